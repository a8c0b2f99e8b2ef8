#Requires -Version 7.4
#Requires -Modules Atlas.Deployment, Az.Websites
<#
.SYNOPSIS
    Deploys the Atlas backend Function Apps and migrates their data.
.DESCRIPTION
    Stops the Atlas Function Apps, publishes the release's packages, runs the data
    migrations of the target version and starts the apps again. Atlas ConneX and
    Add It are offline meanwhile. -RestoreFrom restores the data from a backup
    before deploying, for rollbacks.
.EXAMPLE
    ./Deploy-AtlasBackend.ps1 -ResourceGroup rg-atlas-prod -Version 4.3.0 -WhatIf
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    [Parameter(Mandatory)] [string] $ResourceGroup,
    # Default: the version of the bundle the script runs from.
    [version] $Version,
    [string] $RestoreFrom
)

$ErrorActionPreference = 'Stop'
if (-not $Version) { $Version = Get-AtlasBundleVersion -Path (Split-Path $PSScriptRoot) }
Connect-AzAccount -UseDeviceAuthentication | Out-Null

$apps = Get-AzFunctionApp -ResourceGroupName $ResourceGroup | Where-Object Name -like 'func-atlas-*'
foreach ($app in $apps) {
    if ($PSCmdlet.ShouldProcess($app.Name, 'Stop-AzFunctionApp')) {
        Stop-AzFunctionApp -Name $app.Name -ResourceGroupName $ResourceGroup -Force
    }
}
if ($RestoreFrom -and $PSCmdlet.ShouldProcess($RestoreFrom, 'Restore Atlas data')) {
    Restore-AtlasData -ResourceGroup $ResourceGroup -Path $RestoreFrom
}
foreach ($app in $apps) {
    $package = Get-AtlasReleasePackage -Name "$($app.Name)-$Version.zip" -VerifyHash
    if ($PSCmdlet.ShouldProcess($app.Name, "Publish $Version")) {
        Publish-AzWebApp -Name $app.Name -ResourceGroupName $ResourceGroup -ArchivePath $package.FullName -Force | Out-Null
    }
}
if ($PSCmdlet.ShouldProcess($ResourceGroup, "Migrate data to $Version")) {
    $schema = Invoke-AtlasMigration -ResourceGroup $ResourceGroup -TargetVersion $Version
    Write-Host "Schema version: $($schema.Major)"
}
foreach ($app in $apps) {
    if ($PSCmdlet.ShouldProcess($app.Name, 'Start-AzFunctionApp')) {
        Start-AzFunctionApp -Name $app.Name -ResourceGroupName $ResourceGroup
    }
}
Write-Host "Backend version: $Version"

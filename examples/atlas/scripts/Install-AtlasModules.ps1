#Requires -Version 7.4
<#
.SYNOPSIS
    Installs the Atlas.Deployment module and checks the modules the runbook needs.
.DESCRIPTION
    Installs or updates Atlas.Deployment from the PowerShell Gallery and verifies that
    PnP.PowerShell, Microsoft.Graph and Az are at the versions this runbook was tested
    with. Run it with -WhatIf to see what would be installed.
.EXAMPLE
    ./Install-AtlasModules.ps1 -Scope CurrentUser
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    [ValidateSet('CurrentUser', 'AllUsers')]
    [string] $Scope = 'CurrentUser'
)

$ErrorActionPreference = 'Stop'

$required = [ordered]@{
    'Atlas.Deployment'            = '4.0.0'
    'PnP.PowerShell'              = '2.12.0'
    'Microsoft.Graph.Applications' = '2.25.0'
    'Az.Websites'                 = '3.2.0'
    'Az.KeyVault'                 = '6.2.0'
    'MicrosoftTeams'              = '6.7.0'
}

foreach ($name in $required.Keys) {
    $minimum = [version] $required[$name]
    $installed = Get-Module -Name $name -ListAvailable |
        Sort-Object Version -Descending | Select-Object -First 1
    if ($installed -and $installed.Version -ge $minimum) {
        Write-Host "OK    $name $($installed.Version)"
        continue
    }
    if ($PSCmdlet.ShouldProcess("$name $minimum ($Scope)", 'Install-Module')) {
        Install-Module -Name $name -MinimumVersion $minimum -Scope $Scope -Repository PSGallery -Force
        Write-Host "ADDED $name $minimum"
    }
}

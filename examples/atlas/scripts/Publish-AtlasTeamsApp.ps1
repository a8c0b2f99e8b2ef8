#Requires -Version 7.4
#Requires -Modules Atlas.Deployment, MicrosoftTeams
<#
.SYNOPSIS
    Publishes the Atlas app in the organisation's Teams app catalog and pins it.
.EXAMPLE
    ./Publish-AtlasTeamsApp.ps1 -Version 4.0.0 -WhatIf
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    # Default: the version of the bundle the script runs from.
    [version] $Version,
    [string] $PolicyName = 'Atlas'
)

$ErrorActionPreference = 'Stop'
if (-not $Version) { $Version = Get-AtlasBundleVersion -Path (Split-Path $PSScriptRoot) }
Connect-MicrosoftTeams | Out-Null

$package = Get-AtlasReleasePackage -Name "atlas-teams-$Version.zip" -VerifyHash
$existing = Get-TeamsApp -DisplayName 'Atlas' -DistributionMethod organization
if ($PSCmdlet.ShouldProcess('Atlas Teams app', "Publish $Version")) {
    if ($existing) {
        Set-TeamsApp -Id $existing.Id -Path $package.FullName
    } else {
        $existing = New-TeamsApp -DistributionMethod organization -Path $package.FullName
    }
}
if ($PSCmdlet.ShouldProcess("app setup policy $PolicyName", 'Pin the Atlas app')) {
    $policy = Get-CsTeamsAppSetupPolicy -Identity $PolicyName
    $pinned = @($policy.PinnedAppBarApps) + [pscustomobject]@{ Id = $existing.Id; Order = 1 }
    Set-CsTeamsAppSetupPolicy -Identity $PolicyName -PinnedAppBarApps $pinned
}

#Requires -Version 7.4
#Requires -Modules Atlas.Deployment, PnP.PowerShell
<#
.SYNOPSIS
    Uploads the Atlas SharePoint package to the tenant app catalog and deploys it.
.DESCRIPTION
    Downloads atlas-spfx-<Version>.sppkg from the Atlas release feed, checks its
    SHA-256 against the signed release manifest, then publishes it tenant-wide.
.EXAMPLE
    ./Deploy-AtlasPackage.ps1 -Tenant contoso -Version 4.3.0 -WhatIf
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    [Parameter(Mandatory)] [string] $Tenant,
    # Default: the version of the bundle the script runs from.
    [version] $Version
)

$ErrorActionPreference = 'Stop'
if (-not $Version) { $Version = Get-AtlasBundleVersion -Path (Split-Path $PSScriptRoot) }
$package = Get-AtlasReleasePackage -Name "atlas-spfx-$Version.sppkg" -VerifyHash

$catalog = Get-PnPTenantAppCatalogUrl
Connect-PnPOnline -Url $catalog -Interactive
if ($PSCmdlet.ShouldProcess($catalog, "Add-PnPApp atlas-spfx-$Version.sppkg")) {
    $app = Add-PnPApp -Path $package.FullName -Scope Tenant -Overwrite -Publish -SkipFeatureDeployment
    Write-Host "Deployed Atlas $($app.AppCatalogVersion) to $catalog"
}

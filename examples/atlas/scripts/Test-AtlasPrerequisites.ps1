#Requires -Version 7.4
#Requires -Modules Atlas.Deployment, PnP.PowerShell
<#
.SYNOPSIS
    Checks that a tenant is ready for an Atlas upgrade or deployment. Changes nothing.
.DESCRIPTION
    Prints one line per check (OK / FAIL) and ends with "All checks passed" or the
    number of failures. -NewTenant checks a tenant Atlas is about to be deployed
    to: no Atlas installed yet, licences assigned. -WhatIf is accepted for
    symmetry with the other scripts.
.EXAMPLE
    ./Test-AtlasPrerequisites.ps1 -Tenant contoso -TargetVersion 4.3.0
.EXAMPLE
    ./Test-AtlasPrerequisites.ps1 -Tenant contoso -NewTenant
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    [Parameter(Mandatory)] [string] $Tenant,
    # Default: the version of the bundle the script runs from.
    [version] $TargetVersion,
    [switch] $NewTenant
)

$ErrorActionPreference = 'Stop'
if (-not $TargetVersion) { $TargetVersion = Get-AtlasBundleVersion -Path (Split-Path $PSScriptRoot) }
$failures = 0
function Test-Check([string] $Name, [scriptblock] $Check) {
    try {
        if (& $Check) { Write-Host "OK    $Name" } else { Write-Host "FAIL  $Name"; $script:failures++ }
    } catch {
        Write-Host "FAIL  $Name ($($_.Exception.Message))"; $script:failures++
    }
}

Connect-PnPOnline -Url "https://$Tenant-admin.sharepoint.com" -Interactive

Test-Check 'PowerShell 7.4 or later' { $PSVersionTable.PSVersion -ge [version] '7.4' }
Test-Check 'PnP.PowerShell 2.12 or later' { (Get-Module PnP.PowerShell).Version -ge [version] '2.12.0' }
if ($NewTenant) {
    Test-Check 'No Atlas installed yet' { -not (Get-AtlasInstalledVersion -Tenant $Tenant) }
    Test-Check 'Atlas licence active' { (Get-AtlasLicence -Tenant $Tenant).Status -eq 'Active' }
    Test-Check 'Operator can register apps' { Test-AtlasDirectoryRole -Role 'Cloud Application Administrator' }
} else {
    Test-Check 'Tenant app catalog exists' { [bool] (Get-PnPTenantAppCatalogUrl) }
    Test-Check 'Installed Atlas version is older than the target' {
        (Get-AtlasInstalledVersion -Tenant $Tenant) -lt $TargetVersion
    }
    Test-Check 'Operator is site collection admin of the Atlas hub' {
        Test-AtlasSiteCollectionAdmin -Url "https://$Tenant.sharepoint.com/sites/atlas"
    }
}

if ($failures -gt 0) {
    Write-Error "$failures check(s) failed; fix them before the maintenance window."
}
Write-Host 'All checks passed'

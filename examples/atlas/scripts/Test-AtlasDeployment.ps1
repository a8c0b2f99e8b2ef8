#Requires -Version 7.4
#Requires -Modules Atlas.Deployment, PnP.PowerShell
<#
.SYNOPSIS
    Checks every Atlas component against the expected version. Changes nothing.
.DESCRIPTION
    Compares the SharePoint package, the Function Apps and the Teams app with the
    expected version, then runs a synthetic ConneX search and Add It request in the
    test site. -ReportClassicNews lists pages that still use the classic news web part.
.EXAMPLE
    ./Test-AtlasDeployment.ps1 -Tenant contoso -ExpectedVersion 4.3.0
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    [Parameter(Mandatory)] [string] $Tenant,
    # Default: the version of the bundle the script runs from.
    [version] $ExpectedVersion,
    [switch] $ReportClassicNews
)

$ErrorActionPreference = 'Stop'
if (-not $ExpectedVersion) { $ExpectedVersion = Get-AtlasBundleVersion -Path (Split-Path $PSScriptRoot) }
$report = Invoke-AtlasHealthCheck -Tenant $Tenant -ExpectedVersion $ExpectedVersion
$report.Checks | Format-Table Name, Status, Detail -AutoSize

if ($ReportClassicNews) {
    Get-AtlasClassicNewsUsage -Tenant $Tenant | Format-Table Url, LastModified -AutoSize
}
if ($report.Failed -gt 0) {
    Write-Error "$($report.Failed) check(s) failed; see the table above."
}
Write-Host "Atlas $ExpectedVersion is healthy"

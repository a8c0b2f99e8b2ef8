#Requires -Version 7.4
#Requires -Modules PnP.PowerShell
<#
.SYNOPSIS
    Adds (or removes) the Atlas ConneX managed properties in the search schema.
.EXAMPLE
    ./Update-AtlasSearchSchema.ps1 -Tenant contoso -WhatIf
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    [Parameter(Mandatory)] [string] $Tenant,
    [switch] $Remove
)

$ErrorActionPreference = 'Stop'
Connect-PnPOnline -Url "https://$Tenant-admin.sharepoint.com" -Interactive

$schema = [xml] (Get-PnPSearchConfiguration -Scope Subscription)
$mappings = @{ 'RefinableString90' = 'AtlasSkills'; 'RefinableString91' = 'AtlasLanguages' }
foreach ($managed in $mappings.Keys) {
    $crawled = "ows_$($mappings[$managed])"
    if ($PSCmdlet.ShouldProcess("$managed ← $crawled", $(if ($Remove) { 'Unmap' } else { 'Map' }))) {
        Set-AtlasSearchMapping -Schema $schema -ManagedProperty $managed -CrawledProperty $crawled -Remove:$Remove
    }
}
if ($PSCmdlet.ShouldProcess('tenant search schema', 'Set-PnPSearchConfiguration')) {
    Set-PnPSearchConfiguration -Configuration $schema.OuterXml -Scope Subscription
}

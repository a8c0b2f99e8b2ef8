#Requires -Version 7.4
#Requires -Modules Atlas.Deployment, PnP.PowerShell
<#
.SYNOPSIS
    Enables (or disables) knowledge hub analytics.
.DESCRIPTION
    Creates the "Atlas Analytics" list in each knowledge hub and turns on page-view
    and search counting. Counts are kept per page; no personal data is stored.
.EXAMPLE
    ./Enable-AtlasAnalytics.ps1 -Tenant contoso -RetentionDays 365 -WhatIf
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    [Parameter(Mandatory)] [string] $Tenant,
    [ValidateRange(30, 730)] [int] $RetentionDays = 365,
    [switch] $Disable
)

$ErrorActionPreference = 'Stop'
foreach ($hub in Get-AtlasKnowledgeHub -Tenant $Tenant) {
    Connect-PnPOnline -Url $hub.Url -Interactive
    if ($Disable) {
        if ($PSCmdlet.ShouldProcess($hub.Url, 'Disable analytics')) {
            Set-PnPPropertyBagValue -Key 'AtlasAnalyticsEnabled' -Value 'false'
        }
        continue
    }
    if (-not (Get-PnPList -Identity 'Atlas Analytics' -ErrorAction SilentlyContinue) -and
        $PSCmdlet.ShouldProcess($hub.Url, 'Create the Atlas Analytics list')) {
        New-PnPList -Title 'Atlas Analytics' -Template GenericList -Hidden | Out-Null
    }
    if ($PSCmdlet.ShouldProcess($hub.Url, "Enable analytics ($RetentionDays days)")) {
        Set-PnPPropertyBagValue -Key 'AtlasAnalyticsEnabled' -Value 'true'
        Set-PnPPropertyBagValue -Key 'AtlasAnalyticsRetentionDays' -Value "$RetentionDays"
    }
}

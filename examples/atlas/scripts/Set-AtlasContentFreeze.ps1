#Requires -Version 7.4
#Requires -Modules PnP.PowerShell
<#
.SYNOPSIS
    Starts or ends the content freeze on the Atlas hub sites.
.DESCRIPTION
    With -State On, sets the Atlas hub sites and the Add It request list to read-only
    and shows the maintenance banner. With -State Off, undoes both.
.EXAMPLE
    ./Set-AtlasContentFreeze.ps1 -Tenant contoso -State On -WhatIf
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    [Parameter(Mandatory)] [string] $Tenant,
    [Parameter(Mandatory)] [ValidateSet('On', 'Off')] [string] $State
)

$ErrorActionPreference = 'Stop'
Connect-PnPOnline -Url "https://$Tenant-admin.sharepoint.com" -Interactive

$lockState = if ($State -eq 'On') { 'ReadOnly' } else { 'Unlock' }
$hubs = Get-PnPHubSite | Where-Object { $_.Title -like 'Atlas*' }
foreach ($hub in $hubs) {
    if ($PSCmdlet.ShouldProcess($hub.SiteUrl, "Set-PnPTenantSite -LockState $lockState")) {
        Set-PnPTenantSite -Identity $hub.SiteUrl -LockState $lockState
    }
}

Connect-PnPOnline -Url "https://$Tenant.sharepoint.com/sites/atlas" -Interactive
if ($PSCmdlet.ShouldProcess('Atlas maintenance banner', "Turn $State")) {
    Set-PnPPropertyBagValue -Key 'AtlasMaintenanceBanner' -Value ($State -eq 'On').ToString()
}
Write-Host "Content freeze is $State"

#Requires -Version 7.4
#Requires -Modules Atlas.Deployment, PnP.PowerShell
<#
.SYNOPSIS
    Creates the SharePoint sites and lists of a new Atlas deployment.
.DESCRIPTION
    Creates the tenant app catalog if the tenant has none, the Atlas home site
    (registered as the tenant's home site and hub), the "Atlas Configuration" and
    "Add It Requests" lists, and makes the signed-in operator a site collection
    administrator of each site. Sites that already exist are left as they are.
    -Remove deletes what the script created, before anyone has used it.
.EXAMPLE
    ./Initialize-AtlasTenant.ps1 -Tenant contoso -HomeSiteUrl https://contoso.sharepoint.com/sites/intranet -WhatIf
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    [Parameter(Mandatory)] [string] $Tenant,
    [Parameter(Mandatory)] [uri] $HomeSiteUrl,
    [switch] $Remove
)

$ErrorActionPreference = 'Stop'
Connect-PnPOnline -Url "https://$Tenant-admin.sharepoint.com" -Interactive
$operator = (Get-PnPProperty -ClientObject (Get-PnPWeb) -Property CurrentUser).LoginName

if ($Remove) {
    if ($PSCmdlet.ShouldProcess($HomeSiteUrl, 'Remove the Atlas home site')) {
        Remove-PnPHomeSite -Force
        Remove-PnPTenantSite -Url $HomeSiteUrl -Force
    }
    return
}

if (-not (Get-PnPTenantAppCatalogUrl) -and $PSCmdlet.ShouldProcess($Tenant, 'Create the tenant app catalog')) {
    Register-PnPAppCatalogSite -Url "https://$Tenant.sharepoint.com/sites/appcatalog" -Owner $operator -TimeZoneId 4
}
if (-not (Get-PnPTenantSite -Identity $HomeSiteUrl -ErrorAction SilentlyContinue) -and
    $PSCmdlet.ShouldProcess($HomeSiteUrl, 'Create the Atlas home site')) {
    New-PnPSite -Type CommunicationSite -Title 'Intranet' -Url $HomeSiteUrl -Wait | Out-Null
}
if ($PSCmdlet.ShouldProcess($HomeSiteUrl, 'Register the home site and hub')) {
    Set-PnPHomeSite -HomeSiteUrl $HomeSiteUrl
    Register-PnPHubSite -Site $HomeSiteUrl -ErrorAction SilentlyContinue | Out-Null
    Set-PnPTenantSite -Identity $HomeSiteUrl -Owners $operator
}

Connect-PnPOnline -Url $HomeSiteUrl -Interactive
foreach ($list in 'Atlas Configuration', 'Add It Requests') {
    if (-not (Get-PnPList -Identity $list -ErrorAction SilentlyContinue) -and
        $PSCmdlet.ShouldProcess($list, 'Create the list')) {
        New-AtlasList -Name $list | Out-Null
    }
}
Write-Host 'Atlas sites ready'

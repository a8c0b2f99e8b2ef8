#Requires -Version 7.4
<#
.SYNOPSIS
    Opens the intranet home page and checks that it answers. It has no -WhatIf
    support, which validation warns about (AR1205).
#>
param(
    [Parameter(Mandatory)] [string] $Tenant
)
$response = Invoke-WebRequest -Uri "https://$Tenant.sharepoint.com/sites/atlas" -UseDefaultCredentials
if ($response.StatusCode -ne 200) { Write-Error "Home page answered $($response.StatusCode)" }

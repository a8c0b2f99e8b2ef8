#Requires -Version 7.4
#Requires -Modules PnP.PowerShell
<#
.SYNOPSIS
    Approves (or revokes) the SharePoint API access requests of the Atlas package.
.DESCRIPTION
    Needs a Global Administrator (or Privileged Role Administrator). Only requests
    whose package name is "atlas-spfx" are touched.
.EXAMPLE
    ./Approve-AtlasApiAccess.ps1 -Tenant contoso -WhatIf
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    [Parameter(Mandatory)] [string] $Tenant,
    [switch] $Revoke
)

$ErrorActionPreference = 'Stop'
Connect-PnPOnline -Url "https://$Tenant-admin.sharepoint.com" -Interactive

if ($Revoke) {
    Get-PnPTenantServicePrincipalPermissionGrants |
        Where-Object { $_.Resource -like 'Atlas*' -or $_.Scope -match 'User.Read.All|Atlas\.' } |
        ForEach-Object {
            if ($PSCmdlet.ShouldProcess("$($_.Resource) $($_.Scope)", 'Revoke API access')) {
                Revoke-PnPTenantServicePrincipalPermission -Scope $_.Scope -Resource $_.Resource -Force
            }
        }
    return
}

Get-PnPTenantServicePrincipalPermissionRequests |
    Where-Object PackageName -eq 'atlas-spfx' |
    ForEach-Object {
        if ($PSCmdlet.ShouldProcess("$($_.Resource) $($_.Scope)", 'Approve API access')) {
            Approve-PnPTenantServicePrincipalPermissionRequest -RequestId $_.Id -Force | Out-Null
            Write-Host "Approved $($_.Resource) $($_.Scope)"
        }
    }

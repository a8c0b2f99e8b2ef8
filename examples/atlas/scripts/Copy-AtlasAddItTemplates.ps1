#Requires -Version 7.4
#Requires -Modules Atlas.Deployment, PnP.PowerShell
<#
.SYNOPSIS
    Copies every Add It form into the Add It template gallery (or removes the copies).
.DESCRIPTION
    The original forms are never changed, so removing the copies is a full rollback.
.EXAMPLE
    ./Copy-AtlasAddItTemplates.ps1 -Tenant contoso -WhatIf
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    [Parameter(Mandatory)] [string] $Tenant,
    [switch] $Remove
)

$ErrorActionPreference = 'Stop'
Connect-PnPOnline -Url "https://$Tenant.sharepoint.com/sites/atlas" -Interactive

$gallery = 'Add It Templates'
if ($Remove) {
    Get-PnPListItem -List $gallery -PageSize 500 |
        Where-Object { $_['AtlasCopiedFromForm'] } |
        ForEach-Object {
            if ($PSCmdlet.ShouldProcess($_['Title'], 'Remove template copy')) {
                Remove-PnPListItem -List $gallery -Identity $_.Id -Force
            }
        }
    return
}
foreach ($form in Get-AtlasAddItForm) {
    if ($PSCmdlet.ShouldProcess($form.Title, 'Copy into the template gallery')) {
        Add-PnPListItem -List $gallery -Values @{
            Title               = $form.Title
            AtlasFormDefinition = ($form.Definition | ConvertTo-Json -Depth 10 -Compress)
            AtlasCopiedFromForm = $form.Id
        } | Out-Null
    }
}
Write-Host 'Add It templates copied'

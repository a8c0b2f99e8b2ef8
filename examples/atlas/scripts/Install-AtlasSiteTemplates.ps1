#Requires -Version 7.4
#Requires -Modules Atlas.Deployment, PnP.PowerShell
<#
.SYNOPSIS
    Registers (or removes) the Atlas knowledge hub site templates.
.EXAMPLE
    ./Install-AtlasSiteTemplates.ps1 -Tenant contoso -WhatIf
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    [Parameter(Mandatory)] [string] $Tenant,
    [switch] $Remove
)

$ErrorActionPreference = 'Stop'
Connect-PnPOnline -Url "https://$Tenant-admin.sharepoint.com" -Interactive

$templates = @(
    @{ Title = 'Atlas Policy Library'; Script = 'atlas-policy-library.json' }
    @{ Title = 'Atlas How-to Centre'; Script = 'atlas-how-to-centre.json' }
)
foreach ($t in $templates) {
    $existing = Get-PnPSiteDesign | Where-Object Title -eq $t.Title
    if ($Remove) {
        if ($existing -and $PSCmdlet.ShouldProcess($t.Title, 'Remove-PnPSiteDesign')) {
            Remove-PnPSiteDesign -Identity $existing.Id -Force
        }
        continue
    }
    if ($PSCmdlet.ShouldProcess($t.Title, 'Add site template')) {
        $content = Get-AtlasTemplateContent -Name $t.Script
        $script = Add-PnPSiteScript -Title $t.Title -Content $content
        Add-PnPSiteDesign -Title $t.Title -SiteScriptIds $script.Id -WebTemplate TeamSite | Out-Null
        Write-Host "Registered $($t.Title)"
    }
}

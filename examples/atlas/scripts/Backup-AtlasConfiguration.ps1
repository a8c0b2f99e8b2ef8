#Requires -Version 7.4
#Requires -Modules Atlas.Deployment, PnP.PowerShell
<#
.SYNOPSIS
    Exports the Atlas configuration, ConneX mappings and Add It forms to a folder.
.DESCRIPTION
    Reads only. Keep the output folder until the upgrade is accepted: every rollback
    starts from it.
.EXAMPLE
    ./Backup-AtlasConfiguration.ps1 -Tenant contoso -OutputPath ./atlas-backup
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    [Parameter(Mandatory)] [string] $Tenant,
    [Parameter(Mandatory)] [string] $OutputPath
)

$ErrorActionPreference = 'Stop'
Connect-PnPOnline -Url "https://$Tenant.sharepoint.com/sites/atlas" -Interactive

if ($PSCmdlet.ShouldProcess($OutputPath, 'Write Atlas backup')) {
    New-Item -ItemType Directory -Path $OutputPath -Force | Out-Null
    Get-PnPListItem -List 'Atlas Configuration' -PageSize 500 |
        ForEach-Object { $_.FieldValues } |
        ConvertTo-Json -Depth 5 | Set-Content (Join-Path $OutputPath 'configuration.json')
    Get-AtlasConnexMapping | ConvertTo-Json -Depth 5 |
        Set-Content (Join-Path $OutputPath 'connex-mappings.json')
    Get-AtlasAddItForm | ConvertTo-Json -Depth 10 |
        Set-Content (Join-Path $OutputPath 'add-it-forms.json')
    Write-Host "Backup written to $OutputPath"
}

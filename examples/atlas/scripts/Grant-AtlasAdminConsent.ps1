#Requires -Version 7.4
#Requires -Modules Microsoft.Graph.Applications
<#
.SYNOPSIS
    Grants tenant-wide admin consent to the Atlas apps' Microsoft Graph permissions.
.DESCRIPTION
    Needs a Global Administrator (or Privileged Role Administrator): application
    permissions on Microsoft Graph cannot be consented by less privileged roles.
    -Permission limits the grant to one permission; -Revoke removes the grants.
.EXAMPLE
    ./Grant-AtlasAdminConsent.ps1 -Tenant contoso -WhatIf
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    [Parameter(Mandatory)] [string] $Tenant,
    [string] $Permission,
    [switch] $Revoke
)

$ErrorActionPreference = 'Stop'
Connect-MgGraph -TenantId "$Tenant.onmicrosoft.com" -Scopes 'AppRoleAssignment.ReadWrite.All', 'Application.Read.All' -NoWelcome

$graph = Get-MgServicePrincipal -Filter "appId eq '00000003-0000-0000-c000-000000000000'"
foreach ($name in 'Atlas Backend', 'Atlas ConneX Sync') {
    $sp = Get-MgServicePrincipal -Filter "displayName eq '$name'"
    $wanted = (Get-MgApplication -Filter "displayName eq '$name'").RequiredResourceAccess |
        Where-Object ResourceAppId -eq $graph.AppId | ForEach-Object ResourceAccess
    foreach ($access in $wanted) {
        $role = $graph.AppRoles | Where-Object Id -eq $access.Id
        if ($Permission -and $role.Value -ne $Permission) { continue }
        if ($Revoke) {
            $assignment = Get-MgServicePrincipalAppRoleAssignment -ServicePrincipalId $sp.Id |
                Where-Object AppRoleId -eq $role.Id
            if ($assignment -and $PSCmdlet.ShouldProcess("$name → $($role.Value)", 'Revoke consent')) {
                Remove-MgServicePrincipalAppRoleAssignment -ServicePrincipalId $sp.Id -AppRoleAssignmentId $assignment.Id
            }
        } elseif ($PSCmdlet.ShouldProcess("$name → $($role.Value)", 'Grant admin consent')) {
            New-MgServicePrincipalAppRoleAssignment -ServicePrincipalId $sp.Id `
                -PrincipalId $sp.Id -ResourceId $graph.Id -AppRoleId $role.Id | Out-Null
            Write-Host "Granted $($role.Value) to $name"
        }
    }
}

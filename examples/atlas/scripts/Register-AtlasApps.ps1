#Requires -Version 7.4
#Requires -Modules Microsoft.Graph.Applications, Az.KeyVault
<#
.SYNOPSIS
    Creates or updates the Atlas app registrations with certificate credentials.
.DESCRIPTION
    Creates "Atlas Backend" and "Atlas ConneX Sync" if they do not exist, sets their
    required permissions, creates a certificate for each in the given Key Vault and
    removes any client secret. -Restore puts back the registrations from a backup.
.EXAMPLE
    ./Register-AtlasApps.ps1 -Tenant contoso -KeyVaultName kv-atlas-prod -WhatIf
#>
[CmdletBinding(SupportsShouldProcess, DefaultParameterSetName = 'Register')]
param(
    [Parameter(Mandatory)] [string] $Tenant,
    [Parameter(Mandatory, ParameterSetName = 'Register')] [string] $KeyVaultName,
    [Parameter(Mandatory, ParameterSetName = 'Restore')] [string] $Restore
)

$ErrorActionPreference = 'Stop'
Connect-MgGraph -TenantId "$Tenant.onmicrosoft.com" -Scopes 'Application.ReadWrite.All' -NoWelcome

if ($PSCmdlet.ParameterSetName -eq 'Restore') {
    $saved = Get-Content (Join-Path $Restore 'app-registrations.json') | ConvertFrom-Json
    foreach ($app in $saved) {
        if ($PSCmdlet.ShouldProcess($app.displayName, 'Restore app registration')) {
            Update-MgApplication -ApplicationId $app.id -RequiredResourceAccess $app.requiredResourceAccess
        }
    }
    return
}

foreach ($name in 'Atlas Backend', 'Atlas ConneX Sync') {
    $app = Get-MgApplication -Filter "displayName eq '$name'"
    if (-not $app -and $PSCmdlet.ShouldProcess($name, 'New-MgApplication')) {
        $app = New-MgApplication -DisplayName $name -SignInAudience AzureADMyOrg
    }
    $certName = ($name -replace ' ', '-').ToLowerInvariant()
    if ($PSCmdlet.ShouldProcess("$KeyVaultName/$certName", 'Add-AzKeyVaultCertificate')) {
        $policy = New-AzKeyVaultCertificatePolicy -SubjectName "CN=$certName" -IssuerName Self -ValidityInMonths 24
        Add-AzKeyVaultCertificate -VaultName $KeyVaultName -Name $certName -CertificatePolicy $policy | Out-Null
    }
    foreach ($secret in $app.PasswordCredentials) {
        if ($PSCmdlet.ShouldProcess("$name secret $($secret.KeyId)", 'Remove client secret')) {
            Remove-MgApplicationPassword -ApplicationId $app.Id -KeyId $secret.KeyId
        }
    }
}

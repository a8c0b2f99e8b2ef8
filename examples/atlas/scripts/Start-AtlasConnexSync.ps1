#Requires -Version 7.4
#Requires -Modules Atlas.Deployment, Az.Websites
<#
.SYNOPSIS
    Runs an Atlas ConneX directory sync and waits for it to finish.
.DESCRIPTION
    Starts the ConneX sync function of the Atlas backend: -Full reads every
    profile, manager and photo from Microsoft Graph, as a new deployment needs;
    without it only the changes since the last sync are read. Prints the progress
    every minute and ends with "Directory sync complete".
.EXAMPLE
    ./Start-AtlasConnexSync.ps1 -ResourceGroup rg-atlas-prod -Full -WhatIf
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    [Parameter(Mandatory)] [string] $ResourceGroup,
    [switch] $Full
)

$ErrorActionPreference = 'Stop'
Connect-AzAccount -UseDeviceAuthentication | Out-Null

$app = Get-AzFunctionApp -ResourceGroupName $ResourceGroup | Where-Object Name -like 'func-atlas-connex*'
if (-not $app) {
    Write-Error "No Atlas ConneX Function App in $ResourceGroup; deploy the backend first."
}
$mode = if ($Full) { 'Full' } else { 'Delta' }
if (-not $PSCmdlet.ShouldProcess($app.Name, "Start a $mode directory sync")) {
    return
}
$run = Start-AtlasConnexSyncRun -FunctionApp $app -Mode $mode
do {
    Start-Sleep -Seconds 60
    $run = Get-AtlasConnexSyncRun -FunctionApp $app -Id $run.Id
    Write-Host ("{0,6} profiles read, {1}" -f $run.ProfilesRead, $run.Status)
} while ($run.Status -eq 'Running')
if ($run.Status -ne 'Succeeded') {
    Write-Error "The directory sync ended with status $($run.Status): $($run.Error)"
}
Write-Host 'Directory sync complete'

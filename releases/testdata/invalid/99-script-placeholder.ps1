#Requires -Version 7.4
<#
.DESCRIPTION
    FILL IN: what the script deploys (a placeholder left in a script a step runs).
#>
[CmdletBinding(SupportsShouldProcess)]
param([string] $Version)
throw 'not written yet'

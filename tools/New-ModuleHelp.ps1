<#
.SYNOPSIS
    Converts the PlatyPS markdown in a docs folder into the module's MAML help and about_*.help.txt.
    build.ps1 runs it in a child process: platyPS brings its own YamlDotNet.
#>
param(
    [Parameter(Mandatory)][string]$Docs,
    [Parameter(Mandatory)][string]$OutputPath
)
$ErrorActionPreference = 'Stop'
Import-Module -Name platyPS -RequiredVersion 0.14.2
# Octopods.md is the module page: it has no command to convert.
$pages = Get-ChildItem -Path $Docs -Filter '*.md' -File | Where-Object Name -NE 'Octopods.md'
$written = $pages | ForEach-Object FullName | New-ExternalHelp -OutputPath $OutputPath -Force
$written | ForEach-Object { Write-Host "    wrote $($_.Name)" }

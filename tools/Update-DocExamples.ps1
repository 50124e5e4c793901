#Requires -Version 7.4
<#
.SYNOPSIS
    Writes into docs/en-US the output the examples really print, where it differs from what the
    document shows.

.DESCRIPTION
    Runs each document's examples as tests/pester/Octopods.DocExamples.Tests.ps1 does (the built
    module, the sandbox, the emulator on loopback for the real service), and replaces the output
    under every command whose output no longer matches. An output ending in "..." that still matches
    its start is kept. Read the diff before committing: a changed output may be a bug, not a change.
    Build first: dotnet pwsh ./build.ps1 -Task Build (and -Task Test once, for the test server).

.EXAMPLE
    dotnet pwsh ./tools/Update-DocExamples.ps1 -Document Send-OctopodsSms.md
#>
[CmdletBinding(SupportsShouldProcess)]
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSAvoidUsingWriteHost', '', Justification = 'A maintainer''s tool: it tells the person running it which documents changed.')]
param(
    # File names in docs/en-US; all of them when omitted.
    [string[]]$Document,
    # Rewrite every output as the console prints it, matching or not (line breaks and column widths
    # are not compared), except those ending in "...".
    [switch]$Force
)
$ErrorActionPreference = 'Stop'
$repoRoot = Split-Path -Parent $PSScriptRoot
. (Join-Path $repoRoot 'tests/pester/ModuleUnderTest.ps1')
. (Join-Path $repoRoot 'tests/pester/DocExamples.ps1')
$module = Import-OctopodsModuleUnderTest
$modulesRoot = Split-Path -Parent (Split-Path -Parent (Split-Path -Parent $module.Manifest))
foreach ($file in Get-ChildItem -LiteralPath (Join-Path $repoRoot 'docs/en-US') -Filter '*.md') {
    if ($Document -and $file.Name -notin $Document) { continue }
    $blocks = @(Get-OctopodsDocExample -Path $file.FullName | Where-Object { -not $_.NotRun -and -not $_.Apart })
    if (-not $blocks) { continue }
    $connect = if ($DocConnect.ContainsKey($file.Name)) { $DocConnect[$file.Name] } else { 'Connect-Octopods -Sandbox' }
    $session = Invoke-OctopodsDocSession -Blocks $blocks -ModulesRoot $modulesRoot -Connect $connect
    try {
        $lines = [System.Collections.Generic.List[string]]::new([string[]](Get-Content -LiteralPath $file.FullName -Encoding utf8))
        # Bottom up, so the line numbers of the outputs above stay right.
        $changes = foreach ($block in $blocks) {
            for ($c = 0; $c -lt $block.Commands.Count; $c++) {
                $command = $block.Commands[$c]
                $result = $session.Results["$($block.Id).$c"]
                if ($null -eq $command.Output -or -not $result) { continue }
                $differs = Compare-DocOutput -Command $command -Result $result -ServiceUri $session.ServiceUri -JobsFolder $session.Jobs -HomeFolder $session.Home
                if (-not $differs -and -not ($Force -and -not $command.Output.TrimEnd().EndsWith('...'))) { continue }
                $new = @(Format-DocOutput -Text $result.Text -ServiceUri $session.ServiceUri -JobsFolder $session.Jobs -HomeFolder $session.Home)
                if ($c -lt $block.Commands.Count - 1 -and $new.Count) { $new += '' }
                [pscustomobject]@{ Line = $command.OutputLine; Count = $command.OutputCount; New = $new; Code = $command.Code }
            }
        }
        foreach ($change in $changes | Sort-Object Line -Descending) {
            if ($PSCmdlet.ShouldProcess("$($file.Name) line $($change.Line + 1)", "Replace the output of '$($change.Code)'")) {
                $lines.RemoveRange($change.Line, $change.Count)
                $lines.InsertRange($change.Line, [string[]]$change.New)
            }
        }
        if (@($changes).Count -and -not $WhatIfPreference) {
            [IO.File]::WriteAllText($file.FullName, ($lines -join "`n") + "`n", [Text.UTF8Encoding]::new($false))
            Write-Host "$($file.Name): $(@($changes).Count) output(s) updated"
        }
    }
    finally { Remove-Item -LiteralPath $session.Work -Recurse -Force -ErrorAction SilentlyContinue }
}

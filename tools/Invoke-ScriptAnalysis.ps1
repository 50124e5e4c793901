<#
.SYNOPSIS
    PSScriptAnalyzer and the formatter over every script in the repository, with the repository's
    PSScriptAnalyzerSettings.psd1. Exits 1 on any finding or on a file the formatter would change.

.DESCRIPTION
    build.ps1 -Task Test starts it in a child PowerShell whose PSModulePath holds the tool modules
    (../shared/modules, out/modules), so PSScriptAnalyzer's assemblies never meet the build's.

    Scripts are the .ps1, .psm1 and .psd1 files under the repository, less build output (out/, bin/,
    obj/). PSUseCompatibleSyntax targets 5.1 and 7.4 in the scripts written for both editions, and
    only 7.4 in the files that say '#Requires -Version 7': Windows PowerShell never runs those.

.PARAMETER RepositoryRoot
    The clone to analyse; its PSScriptAnalyzerSettings.psd1 is used.

.PARAMETER ModuleDirectory
    The built module folder (out/Octopods/<version>). The module manifest is analysed there, beside
    the format file and assemblies it names, which the source tree does not have.

.PARAMETER ResultsFile
    Also writes the outcome as NUnit XML, one test case per script, which build.ps1 counts with the
    other suites.

.PARAMETER Fix
    Rewrites each file the formatter would change, instead of failing. Findings still fail.

.EXAMPLE
    ./tools/Invoke-ScriptAnalysis.ps1 -RepositoryRoot . -ModuleDirectory out/Octopods/0.1.0 -Fix
#>
[CmdletBinding()]
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSAvoidUsingWriteHost', '', Justification = 'A build step that reports to the person or CI log reading it; nothing here is pipeline output.')]
param(
    [Parameter(Mandatory)][string]$RepositoryRoot,
    [Parameter(Mandatory)][string]$ModuleDirectory,
    [string]$ResultsFile,
    [switch]$Fix
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

$RepositoryRoot = (Resolve-Path -LiteralPath $RepositoryRoot).ProviderPath
$settingsPath = Join-Path $RepositoryRoot 'PSScriptAnalyzerSettings.psd1'
Import-Module -Name PSScriptAnalyzer
$analyzer = Get-Module -Name PSScriptAnalyzer
Write-Host "    PSScriptAnalyzer $($analyzer.Version) with $settingsPath"

$skip = [regex]'[\\/](out|bin|obj|\.git)[\\/]'
$files = @(Get-ChildItem -LiteralPath $RepositoryRoot -Recurse -File -Include '*.ps1', '*.psm1', '*.psd1' |
        Where-Object { -not $skip.IsMatch($_.FullName.Substring($RepositoryRoot.Length)) } |
        Sort-Object FullName)

# The settings as two hashtables: as written (both editions) and with 7.4 as the only target.
$bothEditions = Import-PowerShellDataFile -LiteralPath $settingsPath
$sevenOnly = Import-PowerShellDataFile -LiteralPath $settingsPath
$sevenOnly.Rules.PSUseCompatibleSyntax.TargetVersions = @('7.4')

$findings = [System.Collections.Generic.List[object]]::new()
$unformatted = [System.Collections.Generic.List[string]]::new()
$relativeNames = [System.Collections.Generic.List[string]]::new()
foreach ($file in $files) {
    $relative = $file.FullName.Substring($RepositoryRoot.Length).TrimStart('\', '/').Replace('\', '/')
    $relativeNames.Add($relative)
    $text = [System.IO.File]::ReadAllText($file.FullName)
    $settings = if ($text -match '(?m)^#Requires -Version 7') { $sevenOnly } else { $bothEditions }
    $analysed = $file.FullName
    if ($relative -eq 'Octopods.psd1') { $analysed = Join-Path $ModuleDirectory 'Octopods.psd1' }
    foreach ($finding in @(Invoke-ScriptAnalyzer -Path $analysed -Settings $settings)) {
        $findings.Add([pscustomobject]@{ RuleName = $finding.RuleName; Severity = $finding.Severity; File = $relative; Line = $finding.Line; Message = $finding.Message })
    }
    $formatted = Invoke-Formatter -ScriptDefinition $text -Settings $settingsPath
    if ($formatted -cne $text) {
        if ($Fix) {
            # Keep the file's encoding: a BOM stays where Windows PowerShell 5.1 needs it.
            $encoding = [System.Text.UTF8Encoding]::new($file.Length -ge 3 -and [System.IO.File]::ReadAllBytes($file.FullName)[0] -eq 0xEF)
            [System.IO.File]::WriteAllText($file.FullName, $formatted, $encoding)
            Write-Host "    formatted $relative"
        }
        else { $unformatted.Add($relative) }
    }
}

foreach ($finding in $findings) {
    Write-Host "    $($finding.File):$($finding.Line) $($finding.RuleName) ($($finding.Severity)): $($finding.Message)"
}
foreach ($relative in $unformatted) {
    Write-Host "    $relative is not formatted: Invoke-Formatter with PSScriptAnalyzerSettings.psd1 changes it (tools/Invoke-ScriptAnalysis.ps1 -Fix rewrites it)."
}
Write-Host "    $($files.Count) script(s): $($findings.Count) finding(s), $($unformatted.Count) not formatted."

if ($ResultsFile) {
    # NUnit 2.5 XML, as Pester writes it: tools/Measure-TestResults.ps1 sums it with the other suites.
    $xml = [System.Xml.XmlDocument]::new()
    $run = $xml.AppendChild($xml.CreateElement('test-results'))
    $run.SetAttribute('name', 'PSScriptAnalyzer')
    $run.SetAttribute('total', "$($files.Count)")
    $cases = $run.AppendChild($xml.CreateElement('test-suite')).AppendChild($xml.CreateElement('results'))
    $failures = 0
    foreach ($relative in $relativeNames) {
        $problems = @($findings | Where-Object File -EQ $relative | ForEach-Object { "line $($_.Line) $($_.RuleName): $($_.Message)" })
        if ($unformatted.Contains($relative)) { $problems += 'Invoke-Formatter changes it' }
        $case = $cases.AppendChild($xml.CreateElement('test-case'))
        $case.SetAttribute('name', "PSScriptAnalyzer: $relative has no finding and is formatted")
        $case.SetAttribute('executed', 'True')
        $case.SetAttribute('result', $(if ($problems) { 'Failure' } else { 'Success' }))
        $case.SetAttribute('success', $(if ($problems) { 'False' } else { 'True' }))
        if ($problems) {
            $failures++
            $failure = $case.AppendChild($xml.CreateElement('failure'))
            $failure.AppendChild($xml.CreateElement('message')).InnerText = $problems -join "`n"
        }
    }
    foreach ($name in 'errors', 'not-run', 'inconclusive', 'ignored', 'skipped', 'invalid') { $run.SetAttribute($name, '0') }
    $run.SetAttribute('failures', "$failures")
    $null = New-Item -ItemType Directory -Path (Split-Path -Parent $ResultsFile) -Force
    $xml.Save($ResultsFile)
}
if ($findings.Count -gt 0 -or $unformatted.Count -gt 0) { exit 1 }

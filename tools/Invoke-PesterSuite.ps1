<#
.SYNOPSIS
    Runs the Pester suite against the built module and writes NUnit XML results. build.ps1 starts it
    in a child PowerShell whose HOME, PSModulePath and OCTOPODS_MODULE_PATH it has set.
#>
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSAvoidUsingWriteHost', '', Justification = 'A build step run by build.ps1 in a child process: it reports to the person or CI log watching it.')]
param(
    [Parameter(Mandatory)][string]$PesterManifest,
    [Parameter(Mandatory)][string]$TestsPath,
    [Parameter(Mandatory)][string]$ResultsFile
)
$ErrorActionPreference = 'Stop'
Import-Module -Name $PesterManifest -Force
$config = New-PesterConfiguration
$config.Run.Path = $TestsPath
if ($PSVersionTable.PSEdition -eq 'Desktop') {
    # Windows PowerShell runs the files written for both editions; the rest say #Requires -Version 7.4.
    $files = @(Get-ChildItem -LiteralPath $TestsPath -Filter '*.Tests.ps1')
    $desktop = @($files | Where-Object { -not (Select-String -LiteralPath $_.FullName -Pattern '^#Requires -Version 7' -Quiet) })
    Write-Host "Windows PowerShell $($PSVersionTable.PSVersion): $($desktop.Count) test file(s) for both editions; $($files.Count - $desktop.Count) need pwsh 7.4 and run in the pwsh legs."
    $config.Run.Path = @($desktop.FullName)
}
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$config.Output.RenderMode = 'Plaintext'
$config.TestResult.Enabled = $true
$config.TestResult.OutputFormat = 'NUnitXml'
$config.TestResult.OutputPath = $ResultsFile
$result = Invoke-Pester -Configuration $config
if ($result.Result -ne 'Passed') { exit 1 }

<#
.SYNOPSIS
    Runs the Pester suite against the built module and writes NUnit XML results. build.ps1 starts it
    in a child PowerShell whose HOME, PSModulePath and OCTOPODS_MODULE_PATH it has set.
#>
param(
    [Parameter(Mandatory)][string]$PesterManifest,
    [Parameter(Mandatory)][string]$TestsPath,
    [Parameter(Mandatory)][string]$ResultsFile
)
$ErrorActionPreference = 'Stop'
Import-Module -Name $PesterManifest -Force
$config = New-PesterConfiguration
$config.Run.Path = $TestsPath
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$config.Output.RenderMode = 'Plaintext'
$config.TestResult.Enabled = $true
$config.TestResult.OutputFormat = 'NUnitXml'
$config.TestResult.OutputPath = $ResultsFile
$result = Invoke-Pester -Configuration $config
if ($result.Result -ne 'Passed') { exit 1 }

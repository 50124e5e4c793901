<#
.SYNOPSIS
    Builds, documents, tests and packages the Octopods module.

.DESCRIPTION
    The project's one entry point. On a machine with only the .NET SDK:

        dotnet tool restore
        dotnet pwsh ./build.ps1 -Task Demo     # build, then the sandbox quick start
        dotnet pwsh ./build.ps1 -Task Test     # build, xunit suites, Pester suite, totals

    Build    dotnet build of src/Octopods.PowerShell, which lays out out/Octopods/<version>/, then Help.
    Help     platyPS 0.14: docs/en-US -> MAML and about_*.help.txt in out/Octopods/<version>/en-US.
    Test     Package, PSScriptAnalyzer and the formatter over every script (PSScriptAnalyzerSettings.psd1;
             required when CI is set), dotnet test (TRX), then tests/pester in a child PowerShell (NUnit
             XML) with a throwaway HOME; prints "N passed, N failed" read from the result files in
             out/TestResults.
    Package  Build, then out/feed/Octopods.<version>.nupkg (PSResourceGet; register out/feed as a
             repository and Install-PSResource Octopods) and out/Octopods.<version>.zip.
    Demo     Build, then examples/sandbox-quickstart.ps1 in a child PowerShell.
    Clean    Removes out/.

    Modules the build uses (platyPS, Microsoft.PowerShell.SecretManagement and SecretStore) are found
    on PSModulePath, with ../shared/modules first when it exists; otherwise they are saved from the
    PowerShell Gallery into out/modules. PSScriptAnalyzer is looked for in the same places; where it is
    missing, the Test task fails when CI is set and skips the analysis (saying so) otherwise. Pester is restored from NuGet at the version pinned in
    tools/TestDependencies.csproj. Child PowerShell runs are started with -File, so their output is text.

.EXAMPLE
    dotnet pwsh ./build.ps1 -Task Test

.EXAMPLE
    ./build.ps1 -Task Build, Package -Configuration Release
#>
[CmdletBinding()]
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSAvoidUsingWriteHost', '', Justification = 'A build script: its steps are told to the person or CI log watching it, never returned as output.')]
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSReviewUnusedParameter', 'Configuration', Justification = 'Read by the task functions below, which the rule does not look into.')]
param(
    [ValidateSet('Build', 'Help', 'Test', 'Package', 'Demo', 'Clean')]
    [string[]]$Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string]$Configuration = 'Release'
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

$RepoRoot = $PSScriptRoot
$ModuleVersion = (Import-PowerShellDataFile -Path (Join-Path $RepoRoot 'Octopods.psd1')).ModuleVersion
$OutRoot = Join-Path $RepoRoot 'out'
$ModuleDir = [IO.Path]::Combine($OutRoot, 'Octopods', $ModuleVersion)
$ResultsDir = Join-Path $OutRoot 'TestResults'
$ToolModules = Join-Path $OutRoot 'modules'
$SharedModules = [IO.Path]::GetFullPath([IO.Path]::Combine($RepoRoot, '..', 'shared', 'modules'))
$script:Built = $false

function Write-Step([string]$Message) { Write-Host "`n==> $Message" -ForegroundColor Cyan }

function Invoke-Native([string]$FilePath, [string[]]$ArgumentList) {
    Write-Host "    > $FilePath $($ArgumentList -join ' ')"
    & $FilePath @ArgumentList
    if ($LASTEXITCODE -ne 0) { throw "'$FilePath $($ArgumentList -join ' ')' failed with exit code $LASTEXITCODE." }
}

# This same PowerShell as a child process: pwsh.dll under dotnet (one process, as the tool shim would
# start), pwsh, or Windows PowerShell. -File keeps the child's output plain text.
function Invoke-ChildPowerShell([string]$Script, [string[]]$Arguments = @(), [hashtable]$Environment = @{}) {
    $exe, $prefix = (Join-Path $PSHOME 'pwsh'), @()
    if ($PSVersionTable.PSEdition -eq 'Desktop') { $exe, $prefix = (Join-Path $PSHOME 'powershell.exe'), @('-ExecutionPolicy', 'Bypass') }
    elseif (Test-Path (Join-Path $PSHOME 'pwsh.dll')) { $exe, $prefix = 'dotnet', @(Join-Path $PSHOME 'pwsh.dll') }
    $saved = @{}
    foreach ($name in $Environment.Keys) {
        $saved[$name] = [Environment]::GetEnvironmentVariable($name)
        [Environment]::SetEnvironmentVariable($name, $Environment[$name])
    }
    try {
        Invoke-Native $exe (@($prefix) + @('-NoProfile', '-NonInteractive', '-File', $Script) + $Arguments)
    }
    finally {
        foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
    }
}

# PSModulePath for child runs: the shared modules, then any saved into out/modules, then the caller's.
function Get-ToolModulePath {
    $paths = @($SharedModules, $ToolModules) | Where-Object { Test-Path -LiteralPath $_ }
    (@($paths) + @($env:PSModulePath)) -join [IO.Path]::PathSeparator
}

# Makes sure each named module is available to child runs, saving it from the Gallery when it is not.
function Confirm-ToolModule([hashtable]$Modules) {
    $env:PSModulePath, $previous = (Get-ToolModulePath), $env:PSModulePath
    try {
        foreach ($name in $Modules.Keys) {
            if (Get-Module -ListAvailable -Name $name | Where-Object { $_.Version -eq [version]$Modules[$name] }) { continue }
            Write-Host "    $name $($Modules[$name]) is not on PSModulePath; saving it from the PowerShell Gallery into out/modules"
            try {
                $null = New-Item -ItemType Directory -Path $ToolModules -Force
                Save-PSResource -Name $name -Version $Modules[$name] -Path $ToolModules -TrustRepository -ErrorAction Stop
            }
            catch {
                throw "$name $($Modules[$name]) is needed and could not be saved ($_). Put it on PSModulePath: Install-PSResource $name -Version $($Modules[$name]), or place ../shared/modules beside this clone."
            }
        }
    }
    finally { $env:PSModulePath = $previous }
}

function Invoke-Build {
    if ($script:Built) { return }
    Write-Step "Build ($Configuration): out/Octopods/$ModuleVersion/"
    Invoke-Native 'dotnet' @('build', (Join-Path $RepoRoot 'src/Octopods.PowerShell/Octopods.PowerShell.csproj'), '-c', $Configuration, '-nologo', '-v', 'quiet')
    Invoke-Help
    $script:Built = $true
}

function Invoke-Help {
    Write-Step "Help: docs/en-US -> out/Octopods/$ModuleVersion/en-US (platyPS 0.14.2)"
    Confirm-ToolModule @{ platyPS = '0.14.2' }
    $helpDir = Join-Path $ModuleDir 'en-US'
    if (Test-Path -LiteralPath $helpDir) { Remove-Item -LiteralPath $helpDir -Recurse -Force }
    # A child process: platyPS carries its own YamlDotNet, which must not meet other modules here.
    Invoke-ChildPowerShell (Join-Path $RepoRoot 'tools/New-ModuleHelp.ps1') @((Join-Path $RepoRoot 'docs/en-US'), $helpDir) @{ PSModulePath = (Get-ToolModulePath) }
}

function Invoke-Test {
    # Old results first: a build that fails now must not leave an earlier run's counts behind.
    if (Test-Path -LiteralPath $ResultsDir) { Remove-Item -LiteralPath $ResultsDir -Recurse -Force }
    Invoke-Package   # the Pester suite installs the package as users would
    $analysisPassed = Invoke-ScriptAnalysis

    Write-Step 'Test: xunit suites (core, loopback HTTP, hosted engine)'
    $env:OCTOPODS_PWSH_DLL, $previousPwsh = (Join-Path $PSHOME 'pwsh.dll'), $env:OCTOPODS_PWSH_DLL
    try {
        & dotnet test (Join-Path $RepoRoot 'Octopods.PowerShell.sln') -c $Configuration -nologo --logger trx --results-directory $ResultsDir
        $xunitExit = $LASTEXITCODE
    }
    finally { $env:OCTOPODS_PWSH_DLL = $previousPwsh }

    Write-Step 'Test: Pester suite in a child PowerShell, with a throwaway HOME'
    Confirm-ToolModule @{ 'Microsoft.PowerShell.SecretManagement' = '1.1.2'; 'Microsoft.PowerShell.SecretStore' = '1.0.6' }
    $pesterPackages = Join-Path $OutRoot 'packages'
    Invoke-Native 'dotnet' @('restore', (Join-Path $RepoRoot 'tools/TestDependencies.csproj'), '--packages', $pesterPackages, '-v', 'quiet')
    $pester = Get-ChildItem -Path (Join-Path $pesterPackages 'pester') -Filter 'Pester.psd1' -Recurse | Select-Object -First 1
    # SecretStore and SecretManagement keep their files under HOME (XDG folders on Linux and macOS):
    # a temporary one keeps the journeys away from the user's own store.
    $testHome = Join-Path ([IO.Path]::GetTempPath()) "octopods-test-home-$([guid]::NewGuid().ToString('N'))"
    $null = New-Item -ItemType Directory -Path $testHome -Force
    try {
        $isolated = @{
            HOME = $testHome; XDG_DATA_HOME = "$testHome/.local/share"; XDG_CONFIG_HOME = "$testHome/.config"; XDG_CACHE_HOME = "$testHome/.cache"
            OCTOPODS_TEST_HOME = $testHome; PSModulePath = (Get-ToolModulePath)
            OCTOPODS_SANDBOX_PATH  = (Join-Path $testHome 'octopods-sandbox.jsonl')
            # Not the user's settings file (on Windows it is under APPDATA, which HOME does not move).
            OCTOPODS_CONFIG_PATH   = (Join-Path $testHome 'octopods-settings.json')
            OCTOPODS_OPTOUT_PATH   = (Join-Path $testHome 'octopods-optouts.json')
            OCTOPODS_MODULE_PATH   = (Join-Path $ModuleDir 'Octopods.psd1')
            OCTOPODS_TEST_SERVER   = (Join-Path $RepoRoot "tests/Octopods.TestServer/bin/$Configuration/net10.0/Octopods.TestServer.dll")
            OCTOPODS_TEST_PACKAGES = $pesterPackages
            OCTOPODS_TEST_FEED     = (Join-Path $OutRoot 'feed')
            OCTOPODS_SMS_API_KEY = $null; OCTOPODS_WHATSAPP_API_KEY = $null; OCTOPODS_VIBER_API_KEY = $null; OCTOPODS_BASE_URI = $null
        }
        $pesterExit = 0
        try {
            Invoke-ChildPowerShell (Join-Path $RepoRoot 'tools/Invoke-PesterSuite.ps1') @($pester.FullName, (Join-Path $RepoRoot 'tests/pester'), (Join-Path $ResultsDir 'pester.xml')) $isolated
        }
        catch { $pesterExit = 1; Write-Host $_ -ForegroundColor Red }
    }
    finally { Remove-Item -LiteralPath $testHome -Recurse -Force -ErrorAction SilentlyContinue }

    & (Join-Path $RepoRoot 'tools/Measure-TestResults.ps1') -Path $ResultsDir
    if ($xunitExit -ne 0 -or $pesterExit -ne 0 -or -not $analysisPassed) {
        throw "Tests failed (dotnet test exit $xunitExit, Pester exit $pesterExit, script analysis $(if ($analysisPassed) { 'passed' } else { 'failed' }))."
    }
}

# PSScriptAnalyzer and the formatter over every script, with PSScriptAnalyzerSettings.psd1, in a
# child PowerShell whose PSModulePath holds the tool modules. On CI a missing PSScriptAnalyzer fails
# the run; on a person's machine the step is skipped, saying so. Returns $false when it failed.
function Invoke-ScriptAnalysis {
    Write-Step 'Test: PSScriptAnalyzer and Invoke-Formatter over every script (PSScriptAnalyzerSettings.psd1)'
    $env:PSModulePath, $previous = (Get-ToolModulePath), $env:PSModulePath
    try { $available = [bool](Get-Module -ListAvailable -Name PSScriptAnalyzer) }
    finally { $env:PSModulePath = $previous }
    if (-not $available) {
        $advice = 'Install it (Install-PSResource PSScriptAnalyzer), or place ../shared/modules beside this clone.'
        if ($env:CI) { throw "PSScriptAnalyzer is not on PSModulePath, and CI is set: script analysis cannot be skipped. $advice" }
        Write-Host "    PSScriptAnalyzer is not on PSModulePath: script analysis skipped. $advice"
        return $true
    }
    try {
        # To the host, not the output: this function's output is its verdict alone.
        Invoke-ChildPowerShell (Join-Path $RepoRoot 'tools/Invoke-ScriptAnalysis.ps1') @(
            '-RepositoryRoot', $RepoRoot, '-ModuleDirectory', $ModuleDir, '-ResultsFile', (Join-Path $ResultsDir 'script-analysis.xml')
        ) @{ PSModulePath = (Get-ToolModulePath) } | Out-Host
        return $true
    }
    catch { Write-Host $_ -ForegroundColor Red; return $false }
}

function Invoke-Package {
    Invoke-Build
    $feed = Join-Path $OutRoot 'feed'
    Write-Step "Package: $feed/Octopods.$ModuleVersion.nupkg (PSResourceGet) and out/Octopods.$ModuleVersion.zip"
    Get-ChildItem -LiteralPath $feed -Filter 'Octopods.*.nupkg' -ErrorAction SilentlyContinue | Remove-Item -Force
    # A throwaway HOME: registering the feed as a repository must not touch the user's repository list.
    $packageHome = Join-Path ([IO.Path]::GetTempPath()) "octopods-package-home-$([guid]::NewGuid().ToString('N'))"
    $null = New-Item -ItemType Directory -Path $packageHome -Force
    try {
        Invoke-ChildPowerShell (Join-Path $RepoRoot 'tools/Publish-ModulePackage.ps1') @('-ModulePath', $ModuleDir, '-Destination', $feed) @{
            HOME = $packageHome; XDG_DATA_HOME = "$packageHome/.local/share"; XDG_CONFIG_HOME = "$packageHome/.config"; XDG_CACHE_HOME = "$packageHome/.cache"
            LOCALAPPDATA = (Join-Path $packageHome 'AppData/Local'); APPDATA = (Join-Path $packageHome 'AppData/Roaming')
        }
    }
    finally { Remove-Item -LiteralPath $packageHome -Recurse -Force -ErrorAction SilentlyContinue }
    $zip = Join-Path $OutRoot "Octopods.$ModuleVersion.zip"
    # Octopods/<version>/ inside the zip, ready to extract into a folder on PSModulePath.
    Compress-Archive -Path (Join-Path $OutRoot 'Octopods') -DestinationPath $zip -Force
    Write-Host "    wrote $zip"
}

function Invoke-Demo {
    Invoke-Build
    Write-Step 'Demo: examples/sandbox-quickstart.ps1 with out/ on PSModulePath'
    # A sandbox of the demo's own, new each time (out/demo-sandbox.jsonl): the user's is left alone.
    $demoSandbox = Join-Path $OutRoot 'demo-sandbox.jsonl'
    if (Test-Path -LiteralPath $demoSandbox) { Remove-Item -LiteralPath $demoSandbox -Force }
    Invoke-ChildPowerShell (Join-Path $RepoRoot 'examples/sandbox-quickstart.ps1') @() @{
        PSModulePath = $OutRoot + [IO.Path]::PathSeparator + $env:PSModulePath; OCTOPODS_SANDBOX_PATH = $demoSandbox
    }
}

foreach ($name in $Task) {
    switch ($name) {
        'Build' { Invoke-Build }
        'Help' { Invoke-Help }
        'Test' { Invoke-Test }
        'Package' { Invoke-Package }
        'Demo' { Invoke-Demo }
        'Clean' { if (Test-Path -LiteralPath $OutRoot) { Remove-Item -LiteralPath $OutRoot -Recurse -Force }; $script:Built = $false }
    }
}

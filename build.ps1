<#
.SYNOPSIS
    Builds, tests, documents and packages the Octopods module.

.DESCRIPTION
    The one entry point for people with PowerShell. Tasks run in the order given; a task that needs
    the built module (Pester, Package, Demo) builds it first when this run has not.

      Build    dotnet build of src/Octopods.PowerShell. Its LayoutModule target lays out the importable
               module folder out/Octopods/<ModuleVersion>/ (the version comes from Octopods.psd1).
      Test     dotnet test at the repository root: the xunit suites, the same command the README gives.
      Pester   tests/pester/*.Tests.ps1 with Pester 5 in a child pwsh, against the built module.
      Help     platyPS: docs/en-US markdown -> MAML help in out/Octopods/<ModuleVersion>/en-US.
      Package  Build + Help, then a zip of the module folder: out/Octopods.<ModuleVersion>.zip.
      Demo     Build, then examples/sandbox-quickstart.ps1 in a child PowerShell.
      Clean    Removes out/.

    Build, Test, Help, Package and Clean also run on Windows PowerShell 5.1. Pester needs pwsh 7.4+
    on the machine (it is started as a child process whatever runs this script).
    The first failing step stops the script with a non-zero exit code.

.EXAMPLE
    ./build.ps1
    Builds the module in Release into out/Octopods/<version>/.

.EXAMPLE
    ./build.ps1 -Task Build, Test, Pester
    Builds, runs the xunit suites, then the Pester suite.

.EXAMPLE
    ./build.ps1 -Task Demo -Configuration Debug
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Pester', 'Help', 'Package', 'Demo', 'Clean')]
    [string[]]$Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string]$Configuration = 'Release'
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

# ---------------------------------------------------------------------------------------------
# Where things are. The module version has one home: ModuleVersion in Octopods.psd1.
# ---------------------------------------------------------------------------------------------
$RepoRoot = $PSScriptRoot
$SourceManifest = Join-Path $RepoRoot 'Octopods.psd1'
$ModuleVersion = (Import-PowerShellDataFile -Path $SourceManifest).ModuleVersion
$OutRoot = Join-Path $RepoRoot 'out'
$ModuleOutDir = [System.IO.Path]::Combine($OutRoot, 'Octopods', $ModuleVersion)
$BuiltManifest = Join-Path $ModuleOutDir 'Octopods.psd1'
$CmdletProject = [System.IO.Path]::Combine($RepoRoot, 'src', 'Octopods.PowerShell', 'Octopods.PowerShell.csproj')
$OnWindows = [System.Environment]::OSVersion.Platform -eq [System.PlatformID]::Win32NT

# Which configuration the module folder in out/ holds right now, as far as this run knows.
# dotnet test builds Debug and lays out the module again, so it resets this (see Invoke-TestTask).
$script:LayoutConfiguration = $null

function Write-Step {
    param([string]$Message)
    Write-Host ''
    Write-Host "==> $Message" -ForegroundColor Cyan
}

function Write-Detail {
    param([string]$Message)
    Write-Host "    $Message"
}

# Runs a native command, echoing it first; stops the build when it exits non-zero.
function Invoke-Native {
    param(
        [Parameter(Mandatory)][string]$FilePath,
        [string[]]$ArgumentList = @(),
        [string]$WorkingDirectory = $RepoRoot
    )
    Write-Detail "> $FilePath $($ArgumentList -join ' ')"
    Push-Location -LiteralPath $WorkingDirectory
    try {
        & $FilePath @ArgumentList
        $exitCode = $LASTEXITCODE
    }
    finally {
        Pop-Location
    }
    if ($exitCode -ne 0) {
        throw "'$FilePath $($ArgumentList -join ' ')' failed with exit code $exitCode."
    }
}

function Assert-Dotnet {
    if (-not (Get-Command -Name dotnet -CommandType Application -ErrorAction SilentlyContinue)) {
        throw 'The .NET SDK (dotnet) is not on PATH. Install the SDK named in the README, then run this again.'
    }
}

# pwsh for child processes: the running one when this is pwsh, else the first on PATH.
function Find-Pwsh {
    $name = if ($OnWindows) { 'pwsh.exe' } else { 'pwsh' }
    if ($PSVersionTable.PSEdition -eq 'Core') {
        $candidate = Join-Path $PSHOME $name
        if (Test-Path -LiteralPath $candidate) { return $candidate }
    }
    $command = Get-Command -Name $name -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($command) { return $command.Path }
    return $null
}

# A child PowerShell for the demo: pwsh when there is one, else this Windows PowerShell.
function Find-ChildPowerShell {
    $pwsh = Find-Pwsh
    if ($pwsh) { return $pwsh }
    if ($PSVersionTable.PSEdition -eq 'Desktop') { return Join-Path $PSHOME 'powershell.exe' }
    throw 'The demo runs in a child pwsh, which is not on PATH. Without pwsh, run it in the bundled host: dotnet run --project tools/Octopods.Host -- examples/sandbox-quickstart.ps1'
}

# Runs a script text in a child process (-EncodedCommand survives any quoting) and checks its exit code.
function Invoke-ChildPowerShell {
    param(
        [Parameter(Mandatory)][string]$Executable,
        [Parameter(Mandatory)][string]$Script
    )
    $encoded = [System.Convert]::ToBase64String([System.Text.Encoding]::Unicode.GetBytes($Script))
    $arguments = @('-NoProfile', '-NonInteractive')
    if ($OnWindows) { $arguments += @('-ExecutionPolicy', 'Bypass') }
    Write-Detail "> $Executable $($arguments -join ' ') -EncodedCommand <script>"
    & $Executable @arguments -EncodedCommand $encoded
    if ($LASTEXITCODE -ne 0) {
        throw "The child PowerShell ($Executable) exited with code $LASTEXITCODE."
    }
}

# A path as a single-quoted PowerShell literal, for script text handed to a child process.
function ConvertTo-Literal {
    param([string]$Text)
    return "'" + $Text.Replace("'", "''") + "'"
}

# ---------------------------------------------------------------------------------------------
# Tasks
# ---------------------------------------------------------------------------------------------
function Invoke-BuildTask {
    Write-Step "Build ($Configuration): compile src/Octopods.PowerShell and lay out the module in out/Octopods/$ModuleVersion/"
    Assert-Dotnet
    Invoke-Native -FilePath 'dotnet' -ArgumentList @('build', $CmdletProject, '-c', $Configuration, '-nologo')
    if (-not (Test-Path -LiteralPath $BuiltManifest)) {
        throw "The build succeeded but $BuiltManifest is missing: check the LayoutModule target in $CmdletProject."
    }
    $script:LayoutConfiguration = $Configuration
    Write-Detail "Module ready: $ModuleOutDir"
}

# Build unless this run already laid out the module in the requested configuration.
function Confirm-ModuleBuilt {
    if ($script:LayoutConfiguration -ne $Configuration) { Invoke-BuildTask }
}

function Invoke-TestTask {
    Write-Step 'Test: dotnet test at the repository root (core xunit tests and the hosted-engine module tests)'
    Assert-Dotnet
    # The README's command, unchanged. It builds in Debug, and building the cmdlet project lays out
    # out/Octopods/<version>/ again with Debug binaries: later tasks in this run rebuild first.
    Invoke-Native -FilePath 'dotnet' -ArgumentList @('test')
    $script:LayoutConfiguration = 'Debug'
}

function Invoke-PesterTask {
    Write-Step 'Pester: run tests/pester against the built module in a child pwsh'
    $pester = Get-Module -ListAvailable -Name Pester | Where-Object { $_.Version -ge [version]'5.0' } | Select-Object -First 1
    if (-not $pester) {
        throw 'Pester 5 is required for -Task Pester and was not found. Install it with: Install-Module Pester -MinimumVersion 5.5 -Scope CurrentUser'
    }
    $pwsh = Find-Pwsh
    if (-not $pwsh) {
        throw 'The Pester suite needs PowerShell 7.4 or later (pwsh), which is not on PATH. Install it from https://aka.ms/powershell.'
    }
    Confirm-ModuleBuilt

    $testsPath = [System.IO.Path]::Combine($RepoRoot, 'tests', 'pester')
    $resultsDir = Join-Path $OutRoot 'TestResults'
    $null = New-Item -ItemType Directory -Path $resultsDir -Force
    $resultsFile = Join-Path $resultsDir 'pester.xml'
    Write-Detail "Module under test: $BuiltManifest (passed as OCTOPODS_MODULE_PATH)"
    Write-Detail "Results (NUnit XML): $resultsFile"

    # The child gets a clean session: the binary module is loaded there, never in this process,
    # so its DLL stays unlocked for the next build on Windows.
    $childScript = @'
$ErrorActionPreference = 'Stop'
try {
    Import-Module -Name Pester -MinimumVersion 5.0 -ErrorAction Stop
}
catch {
    [Console]::Error.WriteLine('Pester 5 is required. Install it with: Install-Module Pester -MinimumVersion 5.5 -Scope CurrentUser')
    exit 2
}
$config = New-PesterConfiguration
$config.Run.Path = __TESTS__
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$config.TestResult.Enabled = $true
$config.TestResult.OutputFormat = 'NUnitXml'
$config.TestResult.OutputPath = __RESULTS__
$result = Invoke-Pester -Configuration $config
if ($result.Result -ne 'Passed') { exit 1 }
exit 0
'@
    $childScript = $childScript.Replace('__TESTS__', (ConvertTo-Literal $testsPath)).Replace('__RESULTS__', (ConvertTo-Literal $resultsFile))

    $previous = $env:OCTOPODS_MODULE_PATH
    $env:OCTOPODS_MODULE_PATH = $BuiltManifest
    try {
        Invoke-ChildPowerShell -Executable $pwsh -Script $childScript
    }
    finally {
        $env:OCTOPODS_MODULE_PATH = $previous
    }
}

function Invoke-HelpTask {
    Write-Step "Help: platyPS markdown in docs/en-US -> MAML help in out/Octopods/$ModuleVersion/en-US"
    try {
        Import-Module -Name platyPS -ErrorAction Stop
    }
    catch {
        throw 'platyPS is required for -Task Help and was not found. Install it with: Install-Module platyPS -Scope CurrentUser'
    }
    Confirm-ModuleBuilt
    $docs = [System.IO.Path]::Combine($RepoRoot, 'docs', 'en-US')
    $markdown = @(Get-ChildItem -Path $docs -Filter '*.md' -File -ErrorAction SilentlyContinue)
    if ($markdown.Count -eq 0) {
        # Nothing to convert yet: the build already copied any about_ topics as plain text.
        Write-Warning "No markdown help in $docs; skipping. Create it with New-MarkdownHelp -Module Octopods -OutputFolder docs/en-US after importing the built module."
        return
    }
    $helpOut = Join-Path $ModuleOutDir 'en-US'
    New-ExternalHelp -Path $docs -OutputPath $helpOut -Force | ForEach-Object { Write-Detail "wrote $($_.FullName)" }
}

function Invoke-PackageTask {
    Confirm-ModuleBuilt
    Invoke-HelpTask
    # A zip rather than Publish-Module: publishing needs a registered repository (Register-PSRepository
    # changes the user's settings) and a gallery key. The zip holds Octopods/<version>/, ready to
    # extract into any folder on PSModulePath; a release publishes the same folder with
    # Publish-PSResource -Path out/Octopods/<version> -Repository PSGallery.
    # Compress it on PowerShell 7: Windows PowerShell 5.1 writes '\' into entry names, which other
    # platforms do not read as folders.
    $zip = Join-Path $OutRoot "Octopods.$ModuleVersion.zip"
    Write-Step "Package: zip out/Octopods/$ModuleVersion/ as $zip"
    $staging = Join-Path $OutRoot 'package'
    if (Test-Path -LiteralPath $staging) { Remove-Item -LiteralPath $staging -Recurse -Force }
    $stagedVersion = [System.IO.Path]::Combine($staging, 'Octopods', $ModuleVersion)
    $null = New-Item -ItemType Directory -Path $stagedVersion -Force
    try {
        Copy-Item -Path (Join-Path $ModuleOutDir '*') -Destination $stagedVersion -Recurse -Force
        Compress-Archive -Path (Join-Path $staging 'Octopods') -DestinationPath $zip -Force
    }
    finally {
        Remove-Item -LiteralPath $staging -Recurse -Force -ErrorAction SilentlyContinue
    }
    Write-Detail "Package ready: $zip"
}

function Invoke-DemoTask {
    $child = Find-ChildPowerShell
    Confirm-ModuleBuilt
    $demo = [System.IO.Path]::Combine($RepoRoot, 'examples', 'sandbox-quickstart.ps1')
    Write-Step "Demo: examples/sandbox-quickstart.ps1 in a child PowerShell ($child) with out/ on PSModulePath"
    # Errors the demo does not handle itself stop it (exit 1); the rows it rejects on purpose do not.
    $childScript = @(
        '$ErrorActionPreference = ''Stop'''
        '$env:PSModulePath = ' + (ConvertTo-Literal $OutRoot) + ' + [System.IO.Path]::PathSeparator + $env:PSModulePath'
        '& ' + (ConvertTo-Literal $demo)
        'exit 0'
    ) -join [Environment]::NewLine
    Invoke-ChildPowerShell -Executable $child -Script $childScript
}

function Invoke-CleanTask {
    Write-Step 'Clean: remove out/ (module layout, test results, packages)'
    if (Test-Path -LiteralPath $OutRoot) {
        Remove-Item -LiteralPath $OutRoot -Recurse -Force
        Write-Detail "removed $OutRoot"
    }
    else {
        Write-Detail 'nothing to remove'
    }
    $script:LayoutConfiguration = $null
}

# ---------------------------------------------------------------------------------------------
# Run the tasks in the order given.
# ---------------------------------------------------------------------------------------------
Write-Host "Octopods $ModuleVersion | tasks: $($Task -join ', ') | configuration: $Configuration"
foreach ($name in $Task) {
    switch ($name) {
        'Build'   { Invoke-BuildTask }
        'Test'    { Invoke-TestTask }
        'Pester'  { Invoke-PesterTask }
        'Help'    { Invoke-HelpTask }
        'Package' { Invoke-PackageTask }
        'Demo'    { Invoke-DemoTask }
        'Clean'   { Invoke-CleanTask }
    }
}
Write-Host ''
Write-Host "Done: $($Task -join ', ')." -ForegroundColor Green

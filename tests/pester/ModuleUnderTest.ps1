<#
    Dot-sourced by every *.Tests.ps1 here: finds and imports the built module under test.
    First match wins:
      -ModulePath (container data: New-PesterContainer -Path ... -Data @{ ModulePath = '...' })
      $env:OCTOPODS_MODULE_PATH (build.ps1 -Task Test sets it)
      out/Octopods/<ModuleVersion>/Octopods.psd1 of this checkout (./build.ps1 builds it)
    Either path may name the manifest or the folder that holds it.
#>
function Import-OctopodsModuleUnderTest {
    [CmdletBinding()]
    param([string]$ModulePath)

    $repoRoot = Split-Path -Parent (Split-Path -Parent $PSScriptRoot)
    $manifestData = Import-PowerShellDataFile -Path (Join-Path $repoRoot 'Octopods.psd1')
    $candidate = if ($ModulePath) { $ModulePath }
    elseif ($env:OCTOPODS_MODULE_PATH) { $env:OCTOPODS_MODULE_PATH }
    else { Join-Path $repoRoot "out/Octopods/$($manifestData.ModuleVersion)/Octopods.psd1" }
    if (Test-Path -LiteralPath $candidate -PathType Container) { $candidate = Join-Path $candidate 'Octopods.psd1' }
    if (-not (Test-Path -LiteralPath $candidate -PathType Leaf)) {
        throw "The built module was not found at '$candidate'. Build it first: ./build.ps1 -Task Build"
    }
    $manifest = (Resolve-Path -LiteralPath $candidate).ProviderPath

    # Never the user's opt-out list (a number on it would refuse a test's send), even outside build.ps1.
    if (-not $env:OCTOPODS_OPTOUT_PATH) { $env:OCTOPODS_OPTOUT_PATH = Join-Path ([IO.Path]::GetTempPath()) "octopods-test-optouts-$PID.json" }
    Get-Module -Name Octopods | Remove-Module -Force
    Import-Module -Name $manifest -Force -Global -ErrorAction Stop
    [pscustomobject]@{ Manifest = $manifest; SourceManifestData = $manifestData }
}

<#
    Runs a script in a fresh PowerShell, as a new session or a scheduled job would: powershell.exe
    under Windows PowerShell, else pwsh.dll under dotnet (the process the project's tool runs), else
    pwsh. Returns the output lines (errors merged).
#>
function Invoke-FreshPwsh {
    param(
        [Parameter(Mandatory)] [string[]]$Arguments
    )
    $pwshDll = Join-Path $PSHOME 'pwsh.dll'
    if ($PSVersionTable.PSEdition -eq 'Desktop') { & (Join-Path $PSHOME 'powershell.exe') -NoProfile -NonInteractive -ExecutionPolicy Bypass @Arguments 2>&1 }
    elseif (Test-Path -LiteralPath $pwshDll) { & dotnet $pwshDll -NoProfile -NonInteractive @Arguments 2>&1 }
    else { & (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive @Arguments 2>&1 }
}

<#
    Starts the emulator on loopback in a process of its own (tests/Octopods.TestServer), so runs in
    other processes meet one service. Returns the process and its address; Stop-OctopodsTestServer ends it.
    -ProxyCredential 'user:password' also starts, beside it, an HTTP proxy that wants those credentials
    (ProxyUri; its log at <Uri>__test/proxy-log).
#>
function Start-OctopodsTestServer {
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseShouldProcessForStateChangingFunctions', '', Justification = 'A test fixture: a loopback server that Stop-OctopodsTestServer ends.')]
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSAvoidUsingPlainTextForPassword', 'ProxyCredential', Justification = 'The test proxy''s throwaway user:password, passed on its command line as it is.')]
    param([int]$LatencyMs = 0, [string]$Fault, [string]$ProxyCredential, [string]$ProxyFault)
    $repoRoot = Split-Path -Parent (Split-Path -Parent $PSScriptRoot)
    $serverDll = if ($env:OCTOPODS_TEST_SERVER) { $env:OCTOPODS_TEST_SERVER } else {
        @('Release', 'Debug') | ForEach-Object { Join-Path $repoRoot "tests/Octopods.TestServer/bin/$_/net10.0/Octopods.TestServer.dll" } |
            Where-Object { Test-Path -LiteralPath $_ } | Select-Object -First 1
    }
    if (-not $serverDll -or -not (Test-Path -LiteralPath $serverDll)) {
        throw 'The test server is not built: run ''dotnet pwsh ./build.ps1 -Task Test'', which builds tests/Octopods.TestServer.'
    }
    $info = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    $info.ArgumentList.Add($serverDll)
    if ($LatencyMs -gt 0) { $info.ArgumentList.Add("$LatencyMs") }
    if ($Fault) { $info.ArgumentList.Add('--fault'); $info.ArgumentList.Add($Fault) }   # every request (tests/Octopods.TestServer/ServerFault.cs)
    if ($ProxyCredential) { $info.ArgumentList.Add('--proxy'); $info.ArgumentList.Add($ProxyCredential) }
    if ($ProxyFault) { $info.ArgumentList.Add('--proxy-fault'); $info.ArgumentList.Add($ProxyFault) }   # a proxy that refuses every tunnel
    $info.RedirectStandardInput = $true
    $info.RedirectStandardOutput = $true
    $info.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($info)
    $uri = $process.StandardOutput.ReadLine().Substring(4).Trim()
    $proxyUri = if ($ProxyCredential -or $ProxyFault) { $process.StandardOutput.ReadLine().Substring(6).Trim() }
    [pscustomobject]@{ Process = $process; Uri = $uri; ProxyUri = $proxyUri }
}

function Stop-OctopodsTestServer {
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseShouldProcessForStateChangingFunctions', '', Justification = 'Ends the test server its caller started; there is nothing to confirm.')]
    param($Server)
    if ($Server -and -not $Server.Process.HasExited) {
        $Server.Process.StandardInput.Close()
        if (-not $Server.Process.WaitForExit(5000)) { $Server.Process.Kill() }
    }
}

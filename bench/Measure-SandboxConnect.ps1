<#
.SYNOPSIS
    How long Connect-Octopods -Sandbox takes as the sandbox's file grows: 0, 10,000 and 100,000
    kept sends, each measured in fresh processes (the median of -Runs), with the first status look-up
    (which reads the history) beside it. Not part of the test run.

.EXAMPLE
    dotnet pwsh ./bench/Measure-SandboxConnect.ps1            # after ./build.ps1 -Task Build
#>
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSAvoidUsingWriteHost', '', Justification = 'A benchmark that reports to the person running it.')]
param(
    [int[]]$Sends = @(0, 10000, 100000),
    [int]$Runs = 5,
    [string]$ModulePath
)
$ErrorActionPreference = 'Stop'
$repoRoot = Split-Path -Parent $PSScriptRoot
if (-not $ModulePath) {
    $version = (Import-PowerShellDataFile -Path (Join-Path $repoRoot 'Octopods.psd1')).ModuleVersion
    $ModulePath = Join-Path $repoRoot "out/Octopods/$version/Octopods.psd1"
}
$work = Join-Path ([IO.Path]::GetTempPath()) "octopods-bench-sandbox-$([guid]::NewGuid().ToString('N'))"
$null = New-Item -ItemType Directory -Path $work
$probe = Join-Path $work 'probe.ps1'
Set-Content -LiteralPath $probe -Value @'
param($Manifest)
Import-Module -Name $Manifest
$connect = Measure-Command { Connect-Octopods -Sandbox }
$lookup = Measure-Command { $null = Get-OctopodsSmsStatus -MessageId msg_sbx_00000001 -ErrorAction SilentlyContinue }
"{0} {1}" -f $connect.TotalMilliseconds, $lookup.TotalMilliseconds
'@
$pwshDll = Join-Path $PSHOME 'pwsh.dll'
try {
    foreach ($count in $Sends) {
        $store = Join-Path $work "sandbox-$count.jsonl"
        $lines = [Collections.Generic.List[string]]::new()
        $lines.Add('{"type":"octopods-sandbox","version":1}')
        $at = [DateTimeOffset]::UtcNow.AddDays(-1)
        for ($i = 1; $i -le $count; $i++) {
            $lines.Add(('{{"channel":"Sms","id":"msg_sbx_{0:D8}","phone":"+1415555{1:D4}","content":"Order {0} has shipped.","at":"{2}","request_id":"req_sbx_{0:D6}","key":"0123456789abcdef"}}' -f $i, ($i % 10000), $at.AddMilliseconds($i).ToString('o')))
        }
        [IO.File]::WriteAllLines($store, $lines)
        $env:OCTOPODS_SANDBOX_PATH = $store
        $times = 1..$Runs | ForEach-Object {
            $out = & dotnet $pwshDll -NoProfile -NonInteractive -File $probe $ModulePath
            $connect, $lookup = "$out".Trim() -split ' '
            [pscustomobject]@{ Connect = [double]$connect; Lookup = [double]$lookup }
        }
        $median = { param($values) @($values | Sort-Object)[[int][Math]::Floor($values.Count / 2)] }
        $size = (Get-Item -LiteralPath $store).Length / 1MB
        $line = '{0,8:N0} sends ({1,6:N1} MB): Connect-Octopods -Sandbox median {2,7:N1} ms; first status look-up {3,7:N1} ms'
        Write-Host ($line -f $count, $size, (& $median $times.Connect), (& $median $times.Lookup))
    }
}
finally {
    Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
    Remove-Item Env:OCTOPODS_SANDBOX_PATH -ErrorAction SilentlyContinue
}

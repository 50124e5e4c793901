#Requires -Version 7.4
<#
    Kill and resume in real pwsh: a 500-row Send-OctopodsSms at -ThrottleLimit 16 with a journal runs
    in a child pwsh (pwsh.dll under dotnet, so the kill hits the PowerShell that sends, not the tool's
    shim), is killed (SIGKILL) or interrupted (SIGINT, as Ctrl+C) at several points, then resumed here
    twice against the same emulator. The emulator's ledger must never hold a row twice, at most
    ThrottleLimit rows may be unknown, and the second resume must change nothing.

    The emulator runs in its own process: tests/Octopods.TestServer (build.ps1 passes its path as
    OCTOPODS_TEST_SERVER). Module under test: see ModuleUnderTest.ps1.
#>
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSAvoidUsingConvertToSecureStringWithPlainText', '', Justification = 'Throwaway test keys and store passwords, made up in this file.')]
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSReviewUnusedParameter', 'ModulePath', Justification = 'Pester container data: read in BeforeAll, which the rule does not look into.')]
param(
    [string]$ModulePath
)

BeforeDiscovery {
    $script:Cases = @(
        @{ Signal = 'KILL'; After = 40 }
        @{ Signal = 'KILL'; After = 250 }
        @{ Signal = 'INT'; After = 40 }
        @{ Signal = 'INT'; After = 250 }
    )
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'ModuleUnderTest.ps1')
    $script:Module = Import-OctopodsModuleUnderTest -ModulePath $ModulePath
    # 25 ms a request: a 500-row run at 16 in flight lasts most of a second, long enough to be cut at
    # its 250th row even when a loaded machine polls the ledger slowly.
    $script:TestServer = Start-OctopodsTestServer -LatencyMs 25
    $script:Uri = $script:TestServer.Uri

    function Get-Ledger { @(Invoke-RestMethod -Uri "$($script:Uri)__test/ledger") | ForEach-Object { $_ } }

    # The rows of every run: 500 distinct messages per case, named by the case so cases never meet.
    $script:RowScript = {
        param($Case)
        1..500 | ForEach-Object { [pscustomobject]@{ To = '+1415555' + (2000 + $_); Message = "kill $Case row $_" } }
    }
    $script:Key = ConvertTo-SecureString -String 'sk_kill_resume_key' -AsPlainText -Force
}

AfterAll {
    Stop-OctopodsTestServer $script:TestServer
    Get-Module -Name Octopods | Remove-Module -Force
}

Describe 'A bulk send killed or interrupted, then resumed' -Skip:$IsWindows {
    # SIGINT and SIGKILL are POSIX signals; on Windows the xunit kill tests cover the kill.
    It 'sends no row twice after SIG<Signal> at <After> accepted rows, and a second resume changes nothing' -ForEach $script:Cases {
        $case = "$Signal$After"
        $journal = Join-Path $TestDrive "$case.jsonl"
        $child = Join-Path $TestDrive "$case.ps1"
        $rows = $script:RowScript.ToString()
        Set-Content -LiteralPath $child -Value @"
param(`$Manifest, `$Uri, `$Journal)
`$ErrorActionPreference = 'Continue'
Import-Module `$Manifest -ErrorAction Stop
Connect-Octopods -Channel Sms -ApiKey (ConvertTo-SecureString -String 'sk_kill_resume_key' -AsPlainText -Force) -BaseUri `$Uri
& { $rows } '$case' | Send-OctopodsSms -JournalPath `$Journal -ThrottleLimit 16 -Force | Out-Null
"@
        $before = @(Get-Ledger).Count
        $info = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
        foreach ($a in @((Join-Path $PSHOME 'pwsh.dll'), '-NoProfile', '-NonInteractive', '-File', $child, $script:Module.Manifest, $script:Uri, $journal)) { $info.ArgumentList.Add($a) }
        $info.RedirectStandardOutput = $true
        $info.RedirectStandardError = $true
        $info.UseShellExecute = $false
        $process = [System.Diagnostics.Process]::Start($info)
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        while (-not $process.HasExited -and (@(Get-Ledger).Count - $before) -lt $After -and $watch.Elapsed.TotalSeconds -lt 60) { Start-Sleep -Milliseconds 20 }
        $process.HasExited | Should -BeFalse -Because "the run must still be going when it is cut ($($process.StandardError.ReadToEnd()))"
        if ($Signal -eq 'KILL') { $process.Kill() } else { & kill -INT $process.Id }
        $process.WaitForExit(30000) | Should -BeTrue
        Start-Sleep -Milliseconds 200   # requests the kill cut short reach the server, or never will

        Connect-Octopods -Channel Sms -ApiKey $script:Key -BaseUri $script:Uri
        $resumeErrors = $null
        $resumed = @(& $script:RowScript $case | Send-OctopodsSms -JournalPath $journal -ThrottleLimit 16 -Force -ErrorVariable resumeErrors -ErrorAction SilentlyContinue)
        $afterResume = @(Get-Ledger | Where-Object { $_ -like "kill $case row *" })
        $again = $null
        $second = @(& $script:RowScript $case | Send-OctopodsSms -JournalPath $journal -ThrottleLimit 16 -Force -ErrorVariable again -ErrorAction SilentlyContinue)
        $afterSecond = @(Get-Ledger | Where-Object { $_ -like "kill $case row *" })

        ($resumed.Count + $resumeErrors.Count) | Should -Be 500 -Because 'every row ends as one result or one error'
        @($resumed | Where-Object FromJournal).Count | Should -BeGreaterOrEqual ($After - 16) -Because 'the rows accepted before the cut are taken from the journal'
        @($resumeErrors | Where-Object FullyQualifiedErrorId -NotLike 'Octopods.OutcomeUnknown*') | Should -BeNullOrEmpty
        $resumeErrors.Count | Should -BeLessOrEqual 16 -Because 'at most ThrottleLimit rows can be on their way when the run is cut'
        @($afterResume | Group-Object | Where-Object Count -GT 1) | Should -BeNullOrEmpty -Because 'no row may be accepted twice'
        $afterResume.Count | Should -BeGreaterOrEqual (500 - $resumeErrors.Count)
        $afterSecond.Count | Should -Be $afterResume.Count -Because 'a second resume sends nothing'
        @($second | Where-Object { -not $_.FromJournal }) | Should -BeNullOrEmpty
        $again.Count | Should -Be $resumeErrors.Count
    }
}

Describe 'A bulk send asked to end (SIGTERM), as a service manager ends a job' -Skip:$IsWindows {
    BeforeAll {
        # 400 ms a request: at the signal, up to 8 sends are on the wire, each answered well within the grace.
        $script:Slow = Start-OctopodsTestServer -LatencyMs 400
        function Get-SlowLedger { @(Invoke-RestMethod -Uri "$($script:Slow.Uri)__test/ledger") | ForEach-Object { $_ } }
    }

    AfterAll { Stop-OctopodsTestServer $script:Slow }

    It 'lets the sends on the wire finish, journals them and the stop, and prints the summary on standard error' {
        $journal = Join-Path $TestDrive 'term.jsonl'
        $child = Join-Path $TestDrive 'term.ps1'
        Set-Content -LiteralPath $child -Value @'
param($Manifest, $Uri, $Journal)
Import-Module $Manifest -ErrorAction Stop
Connect-Octopods -Channel Sms -ApiKey (ConvertTo-SecureString -String 'sk_kill_resume_key' -AsPlainText -Force) -BaseUri $Uri
1..200 | ForEach-Object { [pscustomobject]@{ To = '+1415555' + (4000 + $_); Message = "term row $_" } } |
    Send-OctopodsSms -JournalPath $Journal -ThrottleLimit 8 -Force | Out-Null
'@
        $info = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
        foreach ($a in @((Join-Path $PSHOME 'pwsh.dll'), '-NoProfile', '-NonInteractive', '-File', $child, $script:Module.Manifest, $script:Slow.Uri, $journal)) { $info.ArgumentList.Add($a) }
        $info.RedirectStandardOutput = $true
        $info.RedirectStandardError = $true
        $info.UseShellExecute = $false
        $process = [System.Diagnostics.Process]::Start($info)
        $stderr = $process.StandardError.ReadToEndAsync()
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        while (-not $process.HasExited -and @(Get-SlowLedger).Count -lt 20 -and $watch.Elapsed.TotalSeconds -lt 60) { Start-Sleep -Milliseconds 20 }
        $process.HasExited | Should -BeFalse -Because 'the run must still be going when it is asked to end'
        & kill -TERM $process.Id
        $process.WaitForExit(30000) | Should -BeTrue
        $accepted = @(Get-SlowLedger).Count

        $stderr.Result | Should -BeLike '*Send-OctopodsSms: stopped because the process was asked to end (SIGTERM), after*'
        $records = @(Get-Content -LiteralPath $journal | Where-Object { $_ } | ForEach-Object { $_ | ConvertFrom-Json })
        @($records | Where-Object type -EQ 'stopped').reason | Should -Be 'terminated'
        # Every request the service answered is in the journal as sent; none was left unknown.
        $report = @(Get-OctopodsSendReport -JournalPath $journal -WarningVariable said -WarningAction SilentlyContinue)
        @($report | Where-Object Outcome -EQ 'Accepted') | Should -HaveCount $accepted
        @($report | Where-Object Outcome -EQ 'Unknown') | Should -HaveCount 0
        # The rows read but not started are journaled whole before the process ends (each line above parsed).
        @($report | Where-Object Outcome -EQ 'NotAttempted').Count | Should -BeGreaterThan 0
        "$said" | Should -BeLike '*asked to end (SIGTERM)*'
        $accepted | Should -BeLessThan 200
    }
}

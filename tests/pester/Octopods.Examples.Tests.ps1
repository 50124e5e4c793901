#Requires -Version 7.4
<#
    The unattended example (examples/bulk-send-from-csv.ps1, which the scheduled-task, systemd and
    cron examples run) as a scheduler runs it: a fresh pwsh per run, the key from the environment,
    against the emulator on loopback in a process of its own, so both runs meet the same service.
    Run twice the same day with the same journal folder, it sends nothing the second time; with an
    archive folder, a handled CSV is moved away and the next run finds nothing to send.
#>
BeforeAll {
    . (Join-Path $PSScriptRoot 'ModuleUnderTest.ps1')
    $script:Module = Import-OctopodsModuleUnderTest
    $repoRoot = Split-Path -Parent (Split-Path -Parent $PSScriptRoot)
    $script:SendScript = Join-Path $repoRoot 'examples/bulk-send-from-csv.ps1'
    $script:SampleCsv = Join-Path $repoRoot 'examples/customers.csv'
    # The folder that holds Octopods/<version>/: the scripts import the module by name.
    $script:ModulesRoot = Split-Path -Parent (Split-Path -Parent (Split-Path -Parent $Module.Manifest))

    $script:Server = Start-OctopodsTestServer
    $script:Uri = $script:Server.Uri

    function Get-Ledger { @(Invoke-RestMethod -Uri "$($script:Uri)__test/ledger") | ForEach-Object { $_ } }

    # One scheduled run: a fresh pwsh, the key and address from the environment, as a job has them.
    function Invoke-ScheduledRun([string[]]$Arguments) {
        $saved = @{ PSModulePath = $env:PSModulePath; OCTOPODS_SMS_API_KEY = $env:OCTOPODS_SMS_API_KEY; OCTOPODS_BASE_URI = $env:OCTOPODS_BASE_URI }
        $env:PSModulePath = $script:ModulesRoot
        $env:OCTOPODS_SMS_API_KEY = 'sk_scheduled_example'
        $env:OCTOPODS_BASE_URI = $script:Uri
        try {
            $output = Invoke-FreshPwsh -Arguments (@('-File', $script:SendScript) + $Arguments) | Out-String
            [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = $output }
        }
        finally {
            foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
        }
    }
}

AfterAll { Stop-OctopodsTestServer $script:Server }

Describe 'The unattended example run twice' {
    BeforeEach {
        $script:Work = Join-Path ([IO.Path]::GetTempPath()) "octopods-example-$([guid]::NewGuid().ToString('N'))"
        $null = New-Item -ItemType Directory -Path $Work
        # Distinct texts per test, so this test's sends are told apart in the shared ledger.
        $script:Tag = [guid]::NewGuid().ToString('N').Substring(0, 8)
        $script:Csv = Join-Path $Work 'outbox.csv'
        Import-Csv -LiteralPath $SampleCsv | ForEach-Object { $_.Message = "$($_.Message) [$Tag]"; $_ } |
            Export-Csv -LiteralPath $Csv -NoTypeInformation -Encoding utf8
        $script:Rows = @(Import-Csv -LiteralPath $Csv).Count
        function Get-Sent { @(Get-Ledger | Where-Object { "$_".EndsWith("[$Tag]") }) }
    }
    AfterEach { Remove-Item -LiteralPath $Work -Recurse -Force -ErrorAction SilentlyContinue }

    It 'sends every row once, and nothing the second time the same day (the dated journal)' {
        $arguments = @('-CsvPath', $Csv, '-JournalFolder', (Join-Path $Work 'journal'), '-LogPath', (Join-Path $Work 'logs'), '-TimeoutSeconds', '60')
        $first = Invoke-ScheduledRun $arguments
        $first.Output | Should -Match "Sending $Rows row\(s\)"
        $first.ExitCode | Should -Be 1 -Because "the sample's +15005550001 ends Failed on purpose:`n$($first.Output)"
        (Get-Sent).Count | Should -Be $Rows
        $journal = @(Get-ChildItem -LiteralPath (Join-Path $Work 'journal') -Filter 'outbox-*.jsonl')
        $journal.Count | Should -Be 1
        $journal[0].Name | Should -Be ('outbox-{0:yyyy-MM-dd}.jsonl' -f (Get-Date))

        $second = Invoke-ScheduledRun $arguments
        (Get-Sent).Count | Should -Be $Rows -Because "the second run must send nothing:`n$($second.Output)"
        $second.Output | Should -Match "$Rows row\(s\) had been sent by an earlier run \(journal\): not sent again"
        $second.ExitCode | Should -Be 1
    }

    It 'moves a handled CSV to the archive, so the next run finds nothing to send' {
        $archive = Join-Path $Work 'sent'
        $arguments = @('-CsvPath', $Csv, '-JournalFolder', (Join-Path $Work 'journal'), '-ArchivePath', $archive, '-LogPath', (Join-Path $Work 'logs'), '-TimeoutSeconds', '60')
        $first = Invoke-ScheduledRun $arguments
        $first.ExitCode | Should -Be 1 -Because $first.Output
        $Csv | Should -Not -Exist
        @(Get-ChildItem -LiteralPath $archive -Filter 'outbox-*.csv').Count | Should -Be 1

        $second = Invoke-ScheduledRun $arguments
        $second.ExitCode | Should -Be 0 -Because $second.Output
        $second.Output | Should -Match 'Nothing to send'
        (Get-Sent).Count | Should -Be $Rows
    }

    It 'against the sandbox: the second run sends nothing and still follows every message to its status' {
        # The sandbox remembers what it accepted across processes (a file per user; the suite's is
        # OCTOPODS_SANDBOX_PATH in its throwaway HOME), as the real service would.
        $store = $env:OCTOPODS_SANDBOX_PATH
        if (-not $store) { throw 'OCTOPODS_SANDBOX_PATH is not set: run the tests with ./build.ps1 -Task Test.' }
        $before = if (Test-Path -LiteralPath $store) { @(Get-Content -LiteralPath $store).Count } else { 0 }
        $arguments = @('-CsvPath', $Csv, '-Sandbox', '-JournalFolder', (Join-Path $Work 'journal'), '-LogPath', (Join-Path $Work 'logs'), '-TimeoutSeconds', '600')
        $first = Invoke-ScheduledRun $arguments
        $first.Output | Should -Match "$Rows row\(s\): 4 delivered, 1 failed or undelivered, 0 pending" -Because $first.Output
        @(Get-Content -LiteralPath $store).Count - $before | Should -Be $Rows

        $second = Invoke-ScheduledRun $arguments
        @(Get-Content -LiteralPath $store).Count - $before | Should -Be $Rows -Because "the second run must send nothing:`n$($second.Output)"
        $second.Output | Should -Match "$Rows row\(s\) had been sent by an earlier run \(journal\): not sent again"
        $second.Output | Should -Match "$Rows row\(s\): 4 delivered, 1 failed or undelivered, 0 pending" -Because $second.Output
    }

    It 'still fails a missing CSV when no archive is in use' {
        $run = Invoke-ScheduledRun @('-CsvPath', (Join-Path $Work 'missing.csv'))
        $run.ExitCode | Should -Be 2
        $run.Output | Should -Match 'missing.csv does not exist'
    }
}

Describe 'The campaign job installed with the module, as cron runs it' {
    BeforeEach {
        $script:Work = Join-Path ([IO.Path]::GetTempPath()) "octopods-campaign-$([guid]::NewGuid().ToString('N'))"
        $null = New-Item -ItemType Directory -Path $Work
        $script:Tag = [guid]::NewGuid().ToString('N').Substring(0, 8)
        $script:Csv = Join-Path $Work 'outbox.csv'
        # Row 2 is not E.164 and row 3 is refused by the provider: handled, but not delivered.
        @(
            [pscustomobject]@{ To = '+14155550101'; Message = "One [$Tag]" }
            [pscustomobject]@{ To = '4155550102'; Message = "Two [$Tag]" }
            [pscustomobject]@{ To = '+15005550003'; Message = "Three [$Tag]" }
        ) | Export-Csv -LiteralPath $Csv -NoTypeInformation -Encoding utf8
        # pwsh -Command 'exit (Invoke-OctopodsCampaign ...).ExitCode': no script file of the user's.
        function Invoke-CronRun([string]$Key = 'sk_cron_example') {
            $saved = @{ PSModulePath = $env:PSModulePath; OCTOPODS_SMS_API_KEY = $env:OCTOPODS_SMS_API_KEY; OCTOPODS_BASE_URI = $env:OCTOPODS_BASE_URI }
            $env:PSModulePath = $script:ModulesRoot
            $env:OCTOPODS_SMS_API_KEY = $Key
            $env:OCTOPODS_BASE_URI = $script:Uri
            try {
                $command = "exit (Invoke-OctopodsCampaign -CsvPath '$Csv' -JournalFolder '$Work/journal' -LogPath '$Work/logs' -TimeoutSeconds 60).ExitCode"
                $output = Invoke-FreshPwsh -Arguments @('-Command', $command) | Out-String
                [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = $output }
            }
            finally {
                foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
            }
        }
    }
    AfterEach { Remove-Item -LiteralPath $Work -Recurse -Force -ErrorAction SilentlyContinue }

    It 'exits 1 on every run that leaves rows undelivered, sends no row twice, and logs a line per run' {
        $first = Invoke-CronRun
        $first.ExitCode | Should -Be 1 -Because $first.Output
        $second = Invoke-CronRun
        $second.ExitCode | Should -Be 1 -Because $second.Output
        # Row 1 went out once; row 3 was tried again (the provider refused it, so nothing reached anyone).
        @(Get-Ledger | Where-Object { "$_" -eq "One [$Tag]" }).Count | Should -Be 1
        $log = @(Get-Content -LiteralPath (Join-Path $Work 'logs/campaign.log'))
        $log.Count | Should -Be 2
        $log | ForEach-Object { $_ | Should -Match 'outbox\.csv: exit 1: 3 row\(s\): 1 delivered, 0 failed or undelivered, 0 pending, 2 rejected\.$' }
        $errors = @(Get-ChildItem -LiteralPath (Join-Path $Work 'logs') -Filter '*-errors.csv' | Sort-Object Name | Select-Object -Last 1 | ForEach-Object { Import-Csv -LiteralPath $_.FullName })
        @($errors.InputRow) | Should -Be @('2', '3')
        @($errors.ErrorId) | Should -Be @('Octopods.PhoneInvalid', 'Octopods.ProviderError')
        $report = @(Get-ChildItem -LiteralPath (Join-Path $Work 'journal') -Filter 'outbox-*.jsonl' | Get-OctopodsSendReport)
        @($report.InputRow) | Should -Be @(1, 2, 3)
    }

    It 'resumes a stopped run from its own journal on a later day, then lets the next day start afresh' {
        $stopped = Invoke-CronRun -Key 'sandbox-invalid-key'
        $stopped.ExitCode | Should -Be 2 -Because $stopped.Output
        $marker = Join-Path $Work 'journal/.outbox.journal'
        $marker | Should -Exist
        # The next morning: the stopped run's journal is yesterday's.
        $journal = Get-Content -LiteralPath $marker -Raw
        $yesterday = Join-Path $Work 'journal/outbox-2000-01-01.jsonl'
        Move-Item -LiteralPath $journal.Trim() -Destination $yesterday
        Set-Content -LiteralPath $marker -Value $yesterday
        $resumed = Invoke-CronRun
        $resumed.ExitCode | Should -Be 1 -Because $resumed.Output
        $resumed.Output | Should -Match ([regex]::Escape("Journal: $yesterday"))
        @(Get-ChildItem -LiteralPath (Join-Path $Work 'journal') -Filter '*.jsonl').Name | Should -Be @('outbox-2000-01-01.jsonl')
        @(Get-Content -LiteralPath $yesterday | Where-Object { $_ -match '"type":"run"' }).Count | Should -Be 2
        # Every row handled: the marker is gone, so the next day's run of a new file gets its own journal.
        $marker | Should -Not -Exist
    }

    It 'exits 2 when the key is refused, stops at the first refusal, keeps the file, and still logs the run' {
        $before = @(Get-Ledger).Count
        $run = Invoke-CronRun -Key 'sandbox-invalid-key'
        $run.ExitCode | Should -Be 2 -Because $run.Output
        $Csv | Should -Exist
        @(Get-Ledger).Count | Should -Be $before   # a refused key sends nothing
        # The last of the run's stop errors: the one for the rows not attempted, or (when every row was on the wire) a 401 itself.
        Get-Content -LiteralPath (Join-Path $Work 'logs/campaign.log') | Should -Match ': exit 2: The run stopped: (The run stopped itself: the service refused the key|Row \d: Unauthorized)'
    }
}

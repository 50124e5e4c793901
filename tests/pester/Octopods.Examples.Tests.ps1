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

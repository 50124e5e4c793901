#Requires -Version 7.4
<#
    Every example in docs/en-US, run as written in a fresh -NonInteractive pwsh against the sandbox,
    with the output the document shows compared with what the commands print. One pwsh per document:
    its examples run in order in one session, as a reader would type them, so ids and state carry
    from one example to the next. DocExamples.ps1 says how blocks are read, what the session holds
    and how outputs are compared; tools/Update-DocExamples.ps1 writes real output into the documents.
#>
BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'DocExamples.ps1')
    $docsFolder = Join-Path (Split-Path -Parent (Split-Path -Parent $PSScriptRoot)) 'docs/en-US'
    $script:Documents = foreach ($doc in Get-ChildItem -LiteralPath $docsFolder -Filter '*.md' | Sort-Object Name) {
        $blocks = @(Get-OctopodsDocExample -Path $doc.FullName)
        if ($blocks) { @{ Name = $doc.Name; Path = $doc.FullName; Blocks = $blocks } }
    }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'ModuleUnderTest.ps1')
    . (Join-Path $PSScriptRoot 'DocExamples.ps1')
    $script:Module = Import-OctopodsModuleUnderTest
    $script:ModulesRoot = Split-Path -Parent (Split-Path -Parent (Split-Path -Parent $Module.Manifest))
    # A SecretStore may be set up only where it is the test's own: a throwaway HOME, or a throwaway CI account.
    $script:OwnSecretStore = -not $IsWindows -or $env:OCTOPODS_TEST_SECRETSTORE -eq '1'
    # The tests that run the blocks marked "<!-- tested apart: <name> -->", by name.
    $script:ApartTests = @('the unattended recipe, end to end', 'the unattended job of Send-OctopodsSms Example 8')
}

Describe 'How a document''s output is compared' {
    It 'ignores only column widths, line breaks and what changes from run to run' {
        $shown = "MessageId        Status`n---------        ------`nmsg_sbx_00000001 Delivered 11/23/2026 09:42:44 +00:00 in 3 ms"
        $command = [pscustomobject]@{ Code = 'x'; Output = $shown }
        $same = [pscustomobject]@{ Text = "`nMessageId Status`n--------- ------`nmsg_sbx_00000001   Delivered`n12/01/2026 04:00:00 +00:00 in 12 ms`n" }
        Compare-DocOutput -Command $command -Result $same | Should -BeNullOrEmpty
        # Sandbox ids count requests as they arrive, so concurrent rows may swap them.
        $swapped = [pscustomobject]@{ Text = "MessageId Status`n--------- ------`nmsg_sbx_00000007 Delivered 12/01/2026 04:00:00 +00:00 in 1 ms" }
        Compare-DocOutput -Command $command -Result $swapped | Should -BeNullOrEmpty
        foreach ($changed in 'msg_other_00000001 Delivered', 'msg_sbx_00000001 Failed', 'msg_sbx_00000001 Delivered extra') {
            $result = [pscustomobject]@{ Text = "MessageId Status`n--------- ------`n$changed 12/01/2026 04:00:00 +00:00 in 1 ms" }
            Compare-DocOutput -Command $command -Result $result | Should -Not -BeNullOrEmpty -Because "'$changed' is not what the document shows"
        }
    }

    It 'reads "..." as the start of an output, and nothing after a listing''s prompt-less code' {
        $command = [pscustomobject]@{ Code = 'x'; Output = "VERBOSE: one`n..." }
        Compare-DocOutput -Command $command -Result ([pscustomobject]@{ Text = "VERBOSE: one`nVERBOSE: two" }) | Should -BeNullOrEmpty
        Compare-DocOutput -Command $command -Result ([pscustomobject]@{ Text = "VERBOSE: two`nVERBOSE: one" }) | Should -Not -BeNullOrEmpty
        $commands = @(Split-DocBlock @('PS C:\> 1..2 |', '    ForEach-Object { $_ }', '', '1', '2', 'PS C:\> ''done''', 'done') -FirstLine 10)
        $commands.Count | Should -Be 2
        $commands[0].Code | Should -Be "1..2 |`n    ForEach-Object { `$_ }"
        $commands[0].OutputLine | Should -Be 12
        (ConvertTo-DocComparable $commands[0].Output) | Should -Be '1 2'
    }
}

Describe '<Name>' -ForEach $script:Documents {
    BeforeAll {
        $doc = $_
        if (-not $OwnSecretStore -and ($DocBlockSetup.Document -contains $doc.Name)) {
            throw "$($doc.Name) sets up SecretStore vaults; on Windows the store lives in the profile: run it on a throwaway account with OCTOPODS_TEST_SECRETSTORE=1."
        }
        $connect = if ($DocConnect.ContainsKey($doc.Name)) { $DocConnect[$doc.Name] } else { 'Connect-Octopods -Sandbox' }
        $blocks = @($doc.Blocks | Where-Object { -not $_.NotRun -and -not $_.Apart })
        $script:Session = Invoke-OctopodsDocSession -Blocks $blocks -ModulesRoot $ModulesRoot -Connect $connect
    }
    AfterAll { Remove-Item -LiteralPath $Session.Work -Recurse -Force -ErrorAction SilentlyContinue }

    It '<_.Name>' -ForEach $_.Blocks {
        $block = $_
        if ($block.NotRun) {
            # Not run on purpose: the mark must say why, so a reader can judge it.
            $block.NotRun | Should -Match '\w+ \w+ \w+' -Because "the '<!-- not run: ... -->' mark of $($block.Name) needs its reason"
            return
        }
        if ($block.Apart) {
            $ApartTests | Should -Contain $block.Apart -Because "$($block.Name) is marked as tested apart, by a test of that name"
            return
        }
        if (-not $Session.Results.Count) { throw "The document's session printed no results:`n$($Session.Printed -join "`n")" }
        for ($c = 0; $c -lt $block.Commands.Count; $c++) {
            $command = $block.Commands[$c]
            $result = $Session.Results["$($block.Id).$c"]
            if (-not $result) { throw "The session stopped before '$($command.Code)':`n$($Session.Printed -join "`n")" }
            if ($null -eq $command.Output) {
                $result.Errors | Should -Be 0 -Because "the listing '$($command.Code)' must run without errors other than the module's named ones; it printed:`n$($result.Text)"
                continue
            }
            Compare-DocOutput -Command $command -Result $result -ServiceUri $Session.ServiceUri -JobsFolder $Session.Jobs -HomeFolder $Session.Home | Should -BeNullOrEmpty
        }
    }
}

Describe 'The unattended recipe of about_Octopods_Authentication, end to end' {
    BeforeAll {
        if (-not $OwnSecretStore) { throw 'The recipe makes a SecretStore; on Windows the store lives in the profile: run it on a throwaway account with OCTOPODS_TEST_SECRETSTORE=1.' }
        $doc = Join-Path (Split-Path -Parent (Split-Path -Parent $PSScriptRoot)) 'docs/en-US/about_Octopods_Authentication.md'
        $script:Recipe = @(Get-OctopodsDocExample -Path $doc | Where-Object Apart -EQ 'the unattended recipe, end to end')
        $script:Work = Join-Path ([IO.Path]::GetTempPath()) "octopods-recipe-$([guid]::NewGuid().ToString('N'))"
        function Get-ErrorCount($Session) { ($Session.Results.Values | Measure-Object -Property Errors -Sum).Sum }
    }
    AfterAll { Remove-Item -LiteralPath $Work -Recurse -Force -ErrorAction SilentlyContinue }

    It 'is two blocks: the one-time set-up, then the job' {
        $Recipe.Count | Should -Be 2
        $Recipe[0].Code | Should -Match 'Reset-SecretStore'
        $Recipe[1].Code | Should -Match 'Unlock-SecretStore'
    }

    It 'sets up a fresh SecretStore without a prompt, then a new process sends with the stored key' {
        # Both processes share one HOME (one account), with no key but the one the set-up stores.
        $setup = Invoke-OctopodsDocSession -Blocks $Recipe[0] -ModulesRoot $ModulesRoot -Connect '' -Work $Work
        $printed = $setup.Printed -join "`n"
        $setup.Results.Count | Should -Be 1 -Because $printed
        $printed | Should -Not -Match 'Octopods\.\w+Error|Exception' -Because $printed
        Get-ErrorCount $setup | Should -Be 0 -Because "the set-up must run at a prompt-free console:`n$printed"
        Join-Path $setup.Home '.octopods/store-password.clixml' | Should -Exist

        # The job: job.ps1 as the scheduler runs it, a new process with only what the set-up left
        # (no one to answer Read-Host, no key in the environment), against the emulator.
        $jobFile = Join-Path $setup.Jobs 'job.ps1'
        Set-Content -LiteralPath $jobFile -Value $Recipe[1].Code -Encoding utf8
        $server = Start-OctopodsTestServer
        $environment = @{
            HOME = $setup.Home; XDG_CONFIG_HOME = "$($setup.Home)/.config"; XDG_DATA_HOME = "$($setup.Home)/.local/share"; XDG_CACHE_HOME = "$($setup.Home)/.cache"
            PSModulePath = $ModulesRoot + [IO.Path]::PathSeparator + $env:PSModulePath
            OCTOPODS_BASE_URI = $server.Uri; OCTOPODS_SMS_API_KEY = $null; OCTOPODS_CONFIG_PATH = Join-Path $Work 'settings.json'
        }
        $saved = @{}
        foreach ($name in $environment.Keys) { $saved[$name] = [Environment]::GetEnvironmentVariable($name); [Environment]::SetEnvironmentVariable($name, $environment[$name]) }
        function Invoke-Job {
            Push-Location -LiteralPath $setup.Jobs
            try { [pscustomobject]@{ Printed = (@(Invoke-FreshPwsh -Arguments '-File', $jobFile) -join "`n"); ExitCode = $LASTEXITCODE } }
            finally { Pop-Location }
        }
        try {
            $first = Invoke-Job
            $first.ExitCode | Should -Be 0 -Because "every row is delivered:`n$($first.Printed)"
            $rows = @(Import-Csv -LiteralPath (Join-Path $setup.Jobs 'reminders.csv'))
            $results = @(Get-ChildItem -LiteralPath (Join-Path $setup.Jobs 'logs') -Filter '*-results.csv' | ForEach-Object { Import-Csv -LiteralPath $_.FullName })
            @($results.PhoneNumber | Sort-Object) | Should -Be @($rows.To | Sort-Object) -Because "every row is sent:`n$($first.Printed)"
            @($results.Status | Select-Object -Unique) | Should -Be 'Delivered'

            # Then a file with a row the provider refuses, run twice as cron runs it: both runs fail loudly.
            Add-Content -LiteralPath (Join-Path $setup.Jobs 'reminders.csv') -Value '+15005550003,"Hi Dan, your appointment is tomorrow at 12:00.",Dan Roe'
            foreach ($time in 1, 2) {
                $again = Invoke-Job
                $again.ExitCode | Should -Be 1 -Because "run $time has a refused row:`n$($again.Printed)"
                $again.Printed | Should -Match 'Octopods\.ProviderError' -Because $again.Printed
                $again.Printed | Should -Match "$($rows.Count) row\(s\) had been sent by an earlier run" -Because "no row is sent twice:`n$($again.Printed)"
            }
            @(Get-Content -LiteralPath (Join-Path $setup.Jobs 'logs/campaign.log')) -match ': exit \d' | ForEach-Object { ($_ -split ': exit ')[1][0] } |
                Should -Be @('0', '1', '1') -Because 'each run writes one log line with its exit code'
        }
        finally {
            foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
            Stop-OctopodsTestServer $server
        }
    }
}

Describe 'The unattended job of Send-OctopodsSms Example 8' {
    BeforeAll {
        $doc = Join-Path (Split-Path -Parent (Split-Path -Parent $PSScriptRoot)) 'docs/en-US/Send-OctopodsSms.md'
        $script:Job = @(Get-OctopodsDocExample -Path $doc | Where-Object Apart -EQ 'the unattended job of Send-OctopodsSms Example 8')
        $script:Work = Join-Path ([IO.Path]::GetTempPath()) "octopods-job-$([guid]::NewGuid().ToString('N'))"
        $null = New-Item -ItemType Directory -Path $Work
    }
    AfterAll { Remove-Item -LiteralPath $Work -Recurse -Force -ErrorAction SilentlyContinue }

    It 'writes a line per row that failed, refused or undelivered, and exits 1' {
        $Job.Count | Should -Be 1
        $script = Join-Path $Work 'send-reminders.ps1'
        Set-Content -LiteralPath $script -Value $Job[0].Code -Encoding utf8
        # One row delivered, one the emulator fails after sending (+15005550001), one refused at once.
        Set-Content -LiteralPath (Join-Path $Work 'reminders.csv') -Encoding utf8 -Value @(
            'To,Message', '+14155550101,Delivered reminder', '+15005550001,Failed reminder', 'not-a-number,Refused reminder')
        $saved = @{ PSModulePath = $env:PSModulePath; OCTOPODS_SMS_API_KEY = $env:OCTOPODS_SMS_API_KEY; OCTOPODS_BASE_URI = $env:OCTOPODS_BASE_URI }
        $env:PSModulePath = $ModulesRoot + [IO.Path]::PathSeparator + $env:PSModulePath
        $env:OCTOPODS_SMS_API_KEY = 'sk_job_example'
        $server = Start-OctopodsTestServer
        $env:OCTOPODS_BASE_URI = $server.Uri
        Push-Location -LiteralPath $Work
        try { $printed = @(Invoke-FreshPwsh -Arguments '-File', $script) -join "`n"; $exitCode = $LASTEXITCODE }
        finally {
            Pop-Location
            Stop-OctopodsTestServer $server
            foreach ($variable in $saved.Keys) { [Environment]::SetEnvironmentVariable($variable, $saved[$variable]) }
        }
        $exitCode | Should -Be 1 -Because "a row failed:`n$printed"
        $lines = @(Get-Content -LiteralPath (Join-Path $Work 'failed.txt'))
        $lines.Count | Should -Be 2 -Because ($lines -join "`n")
        ($lines -match '^not-a-number: ').Count | Should -Be 1
        ($lines -match '^\+15005550001: Failed, ').Count | Should -Be 1
        @(Import-Csv -LiteralPath (Join-Path $Work 'sent.csv')).Status | Sort-Object | Should -Be @('Delivered', 'Failed')
    }
}

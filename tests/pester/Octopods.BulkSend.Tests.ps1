#Requires -Version 7.4
<#
    Pester 5 journeys for bulk sends on real pwsh: a CSV file through Import-Csv and Export-Csv,
    the summary on the information stream, a run cut short by Select-Object -First (which stops
    the command upstream of it) and resumed from its journal, and idempotency keys from a column.
    The engine's own behaviour (order under concurrency, 429 storms, kill and resume, pacing) is
    covered over loopback by the xunit suites; these check what only a real pwsh pipeline does.

    Module under test: see ModuleUnderTest.ps1 (-ModulePath, $env:OCTOPODS_MODULE_PATH, or out/ of this checkout).
#>
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSAvoidUsingConvertToSecureStringWithPlainText', '', Justification = 'Throwaway test keys and store passwords, made up in this file.')]
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSReviewUnusedParameter', 'ModulePath', Justification = 'Pester container data: read in BeforeAll, which the rule does not look into.')]
param(
    [string]$ModulePath
)

BeforeAll {
    . (Join-Path $PSScriptRoot 'ModuleUnderTest.ps1')
    $script:Manifest = (Import-OctopodsModuleUnderTest -ModulePath $ModulePath).Manifest

    # 400 customers; rows 100 and 300 have numbers that are not E.164 (and no -DefaultRegion).
    function New-CustomerCsv {
        [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseShouldProcessForStateChangingFunctions', '', Justification = 'A test fixture: a CSV file written under TestDrive.')]
        param([string]$Path, [int]$Count = 400)
        1..$Count | ForEach-Object {
            $to = if ($_ -in 100, 300) { "415555$('{0:D4}' -f $_)" } else { "+1415555$('{0:D4}' -f $_)" }
            [pscustomobject]@{ Id = $_; To = $to; Message = "Order $_ has shipped."; Name = "Customer $_" }
        } | Export-Csv -LiteralPath $Path -NoTypeInformation
    }

    # The journal's records, one object per line.
    function Read-Journal {
        param([string]$Path)
        Get-Content -LiteralPath $Path | Where-Object { $_ } | ForEach-Object { $_ | ConvertFrom-Json }
    }
}

AfterAll {
    if (Get-Command -Name Disconnect-Octopods -ErrorAction SilentlyContinue) { Disconnect-Octopods }
    Get-Module -Name Octopods | Remove-Module -Force
}

Describe 'Bulk Send-OctopodsSms from a CSV file' {
    BeforeEach {
        Disconnect-Octopods
        Connect-Octopods -Sandbox
        $script:Csv = Join-Path $TestDrive "customers-$([guid]::NewGuid().ToString('N')).csv"
        New-CustomerCsv -Path $script:Csv
        $script:Journal = [System.IO.Path]::ChangeExtension($script:Csv, '.jsonl')
    }

    It 'ends every row as one result or one error, in input order, with a summary on the information stream' {
        $out = Join-Path $TestDrive 'results.csv'

        Import-Csv -LiteralPath $script:Csv |
            Send-OctopodsSms -ThrottleLimit 16 -JournalPath $script:Journal -ErrorVariable errs -ErrorAction SilentlyContinue -InformationVariable info |
            Export-Csv -LiteralPath $out -NoTypeInformation

        $results = @(Import-Csv -LiteralPath $out)
        $results | Should -HaveCount 398
        $expected = 1..400 | Where-Object { $_ -notin 100, 300 } | ForEach-Object { "+1415555$('{0:D4}' -f $_)" }
        ($results.PhoneNumber -join ',') | Should -BeExactly ($expected -join ',')
        @($results.MessageId | Sort-Object -Unique) | Should -HaveCount 398

        $errs | Should -HaveCount 2
        $errs.TargetObject.Id | Should -Be @('100', '300')
        $errs | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeLike 'Octopods.PhoneInvalid*' }

        $summary = @($info | Where-Object { $_.Tags -contains 'Summary' })
        $summary | Should -HaveCount 1
        $summary[0].MessageData.Rows | Should -Be 400
        $summary[0].MessageData.Sent | Should -Be 398
        $summary[0].MessageData.Failed | Should -Be 2
        $summary[0].MessageData.JournalPath | Should -Be $script:Journal

        # A journal line per intent and per outcome, each readable JSON.
        $records = @(Read-Journal -Path $script:Journal)
        @($records | Where-Object type -EQ 'intent') | Should -HaveCount 398
        @($records | Where-Object type -EQ 'sent') | Should -HaveCount 398
    }

    It 'resumes a run that Select-Object -First cut short, sending every row once and no row twice' {
        $first = @(Import-Csv -LiteralPath $script:Csv |
                Send-OctopodsSms -ThrottleLimit 4 -JournalPath $script:Journal -ErrorAction SilentlyContinue -WarningAction SilentlyContinue |
                Select-Object -First 25)
        $first | Should -HaveCount 25

        $second = @(Import-Csv -LiteralPath $script:Csv |
                Send-OctopodsSms -ThrottleLimit 4 -JournalPath $script:Journal -ErrorVariable errs -ErrorAction SilentlyContinue)

        $second | Should -HaveCount 398
        $errs | Should -HaveCount 2
        $fromJournal = @($second | Where-Object FromJournal)
        # At least the 25 taken, plus whatever was on the wire when the run was stopped.
        $fromJournal.Count | Should -BeGreaterOrEqual 25
        ($second[0..24].MessageId -join ',') | Should -BeExactly ($first.MessageId -join ',')
        $second[0..24] | ForEach-Object { $_.FromJournal | Should -BeTrue }

        # The journal has at most one accepted send per row, across both runs.
        $sent = @(Read-Journal -Path $script:Journal | Where-Object type -EQ 'sent')
        $sent | Should -HaveCount 398
        @($sent | Group-Object row | Where-Object Count -GT 1) | Should -HaveCount 0
    }

    It 'sends paced rows in input order, even when their journal intents finish out of order' {
        # The sandbox numbers messages as it accepts them: ids in input order mean sends in input order.
        $rows = @(Import-Csv -LiteralPath $script:Csv | Select-Object -First 24)
        $results = @($rows | Send-OctopodsSms -RatePerSecond 1 -ThrottleLimit 8 -JournalPath $script:Journal)
        $results | Should -HaveCount 24
        ($results.PhoneNumber -join ',') | Should -BeExactly ($rows.To -join ',')
        $numbers = $results | ForEach-Object { [long]($_.MessageId -replace '\D', '') }
        ($numbers -join ',') | Should -BeExactly (($numbers | Sort-Object) -join ',')
    }

    It 'ends quietly when a later Select-Object -First has what it wants' {
        # A fresh pwsh: what the run prints after the stop goes to the host, which only a console shows.
        # The emulator on loopback, on the wall clock: the sandbox's time would let every row go at once.
        $journal = $script:Journal
        $server = Start-OctopodsTestServer -LatencyMs 5
        try {
            $script = @"
Import-Module '$script:Manifest'
`$null = Connect-Octopods -ApiKey ([System.Net.NetworkCredential]::new('', 'sk_first_test').SecurePassword) -BaseUri '$($server.Uri)'
1..30 | ForEach-Object { [pscustomobject]@{ To = '+1415555' + (6000 + `$_); Message = "first `$_ of 30" } } |
    Send-OctopodsSms -RatePerSecond 10 -ThrottleLimit 2 -JournalPath '$journal' | Select-Object -First 2 | ForEach-Object { 'id ' + `$_.MessageId }
"@
            $output = Invoke-FreshPwsh -Arguments @('-Command', $script) | Out-String
        }
        finally { Stop-OctopodsTestServer $server }
        @($output -split "`n" | Where-Object { $_ -like 'id msg_sbx_*' }) | Should -HaveCount 2
        $output | Should -Not -Match 'stopped after|WARNING|failed unexpectedly' -Because $output
        # Rows not yet sent were not attempted; the rows on the wire have their outcome journaled.
        $records = @(Read-Journal -Path $journal)
        $sent = @($records | Where-Object type -EQ 'sent')
        $sent.Count | Should -BeGreaterOrEqual 2
        # At 10/s the stop comes within a second of the second result, even on a loaded machine: most
        # of the 30 rows are never attempted.
        $sent.Count | Should -BeLessOrEqual 12
        $intents = @($records | Where-Object type -EQ 'intent')
        $outcomes = @($records | Where-Object { $_.type -in 'sent', 'failed', 'unknown' })
        @($outcomes | Where-Object type -EQ 'unknown') | Should -HaveCount 0
        $outcomes.Count | Should -Be $intents.Count
    }

    It 'reports a paced sandbox run in sandbox time, at the rate it was paced to' {
        $rows = 1..6 | ForEach-Object { [pscustomobject]@{ To = "+1415555$('{0:D4}' -f $_)"; Message = "Paced $_" } }
        $null = $rows | Send-OctopodsSms -RatePerSecond 2 -InformationVariable info
        $summary = @($info | Where-Object { $_.MessageData.Rows })[0].MessageData
        # Six sends at 2/s span at least 2.5 s of sandbox time, though the run takes far less.
        $summary.Elapsed.TotalSeconds | Should -BeGreaterOrEqual 2.5
        $summary.RatePerSecond | Should -BeLessOrEqual 2.4
    }

    It 'reports a run whose every row was refused as taking no time' {
        $rows = 1..3 | ForEach-Object { [pscustomobject]@{ To = "415555000$_"; Message = "Refused $_" } }
        $null = $rows | Send-OctopodsSms -InformationVariable info -ErrorAction SilentlyContinue -ErrorVariable refused
        $refused.Count | Should -Be 3
        $summary = @($info | Where-Object { $_.MessageData.Rows })[0].MessageData
        $summary.Failed | Should -Be 3
        $summary.Elapsed.TotalSeconds | Should -BeLessThan 5
    }

    It 'takes each row''s identity from an idempotency_key column' {
        $csv = Join-Path $TestDrive 'keyed.csv'
        @(
            [pscustomobject]@{ To = '+14155550101'; Message = 'Your code is 1234'; idempotency_key = 'otp-1' }
            [pscustomobject]@{ To = '+14155550102'; Message = 'Your code is 5678'; idempotency_key = 'otp-2' }
        ) | Export-Csv -LiteralPath $csv -NoTypeInformation
        $first = @(Import-Csv -LiteralPath $csv | Send-OctopodsSms -JournalPath $script:Journal)

        # The text changed but the keys did not: the rows were sent already.
        $edited = Join-Path $TestDrive 'keyed-edited.csv'
        Import-Csv -LiteralPath $csv | ForEach-Object { $_.Message = $_.Message + '.'; $_ } | Export-Csv -LiteralPath $edited -NoTypeInformation
        $again = @(Import-Csv -LiteralPath $edited | Send-OctopodsSms -JournalPath $script:Journal)

        $first | Should -HaveCount 2
        $again | Should -HaveCount 2
        $again | ForEach-Object { $_.FromJournal | Should -BeTrue }
        ($again.MessageId -join ',') | Should -BeExactly ($first.MessageId -join ',')
    }

    It 'resumes a run of rows with several numbers each, sending every number once and none twice' {
        $csv = Join-Path $TestDrive 'teams.csv'
        1..10 | ForEach-Object {
            $row = $_
            [pscustomobject]@{ To = (1..3 | ForEach-Object { "+1415556$('{0:D4}' -f ($row * 10 + $_))" }) -join ';'; Message = "Shift change $row" }
        } | Export-Csv -LiteralPath $csv -NoTypeInformation
        $expected = 1..10 | ForEach-Object { $row = $_; 1..3 | ForEach-Object { "+1415556$('{0:D4}' -f ($row * 10 + $_))" } }

        $first = @(Import-Csv -LiteralPath $csv |
                Send-OctopodsSms -ThrottleLimit 4 -JournalPath $script:Journal -WarningAction SilentlyContinue |
                Select-Object -First 7)
        $second = @(Import-Csv -LiteralPath $csv | Send-OctopodsSms -ThrottleLimit 4 -JournalPath $script:Journal -InformationVariable info)

        ($first.PhoneNumber -join ',') | Should -BeExactly (($expected | Select-Object -First 7) -join ',')
        ($second.PhoneNumber -join ',') | Should -BeExactly ($expected -join ',')
        ($second[0..6].MessageId -join ',') | Should -BeExactly ($first.MessageId -join ',')
        $second[0..6] | ForEach-Object { $_.FromJournal | Should -BeTrue }
        @($second.MessageId | Sort-Object -Unique) | Should -HaveCount 30
        (@($info | Where-Object { $_.Tags -contains 'Summary' })[0].MessageData.Rows) | Should -Be 30

        # One accepted send per number across both runs, each under its own row id.
        $sent = @(Read-Journal -Path $script:Journal | Where-Object type -EQ 'sent')
        $sent | Should -HaveCount 30
        @($sent | Group-Object row | Where-Object Count -GT 1) | Should -HaveCount 0
    }

    It 'sends a row repeated in the input once, names each repeat, and sends them all with -AllowDuplicate' {
        $csv = Join-Path $TestDrive 'exported-twice.csv'
        $rows = 1..30 | ForEach-Object { [pscustomobject]@{ To = '+1415555{0:D4}' -f (7300 + $_); Message = "Your order $_ has shipped." } }
        # Twenty of them twice, as a CSV exported twice into one holds.
        @($rows) + @($rows | Select-Object -First 20) | Export-Csv -LiteralPath $csv -NoTypeInformation

        $sent = @(Import-Csv -LiteralPath $csv | Send-OctopodsSms -ErrorVariable repeats -ErrorAction SilentlyContinue -InformationVariable info)
        $sent | Should -HaveCount 30
        @($sent.PhoneNumber | Sort-Object -Unique) | Should -HaveCount 30
        $repeats | Should -HaveCount 20
        $repeats | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeLike 'Octopods.DuplicateRow*' }
        "$($repeats[0])" | Should -BeLike '*repeats an earlier row*+14155557301*not sent*'
        $repeats[0].TargetObject.Message | Should -Be 'Your order 1 has shipped.'
        $summary = @($info | Where-Object { $_.Tags -contains 'Summary' })[0].MessageData
        $summary.Duplicates | Should -Be 20
        "$summary" | Should -BeLike '*20 repeated row(s) not sent again*'

        $all = @(Import-Csv -LiteralPath $csv | Send-OctopodsSms -AllowDuplicate)
        $all | Should -HaveCount 50
    }

    It 'sends nothing and writes no journal with -WhatIf' {
        $output = @(Import-Csv -LiteralPath $script:Csv | Send-OctopodsSms -JournalPath $script:Journal -WhatIf -ErrorAction SilentlyContinue)

        $output | Should -HaveCount 0
        Test-Path -LiteralPath $script:Journal | Should -BeFalse
    }
}

Describe 'A journal belongs to its target' {
    BeforeAll {
        $script:Server = Start-OctopodsTestServer
        function Get-Ledger { @(Invoke-RestMethod -Uri "$($Server.Uri)__test/ledger" -NoProxy) | ForEach-Object { $_ } }
        $script:ServiceKey = ConvertTo-SecureString -String 'sk_pester_target_5a0c' -AsPlainText -Force
        $script:Rows = 1..3 | ForEach-Object { [pscustomobject]@{ To = "+1415555$('{0:D4}' -f (7000 + $_))"; Message = "Campaign message $_" } }
    }

    AfterAll {
        Stop-OctopodsTestServer $Server
        Disconnect-Octopods
    }

    It 'a journal tried in the sandbox is refused by the real run, which sends nothing until told' {
        $journal = Join-Path $TestDrive 'campaign.jsonl'
        Connect-Octopods -Sandbox
        $tried = @($Rows | Send-OctopodsSms -JournalPath $journal)
        $tried | Should -HaveCount 3
        Disconnect-Octopods
        $before = Get-Content -LiteralPath $journal -Raw

        $refused = $null
        try { $Rows | Send-OctopodsSms -ApiKey $ServiceKey -BaseUri $Server.Uri -JournalPath $journal -ErrorAction Stop }
        catch { $refused = $_ }
        $refused.FullyQualifiedErrorId | Should -BeLike 'Octopods.JournalTargetMismatch*'
        "$refused" | Should -BeLike '*the sandbox*'
        $refused.ErrorDetails.RecommendedAction | Should -BeLike '*new -JournalPath*-AcceptJournalTarget*'
        @(Get-Ledger) | Should -HaveCount 0
        Get-Content -LiteralPath $journal -Raw | Should -BeExactly $before

        (Get-OctopodsSendReport -JournalPath $journal).Target | Sort-Object -Unique | Should -Be 'sandbox'
        # Told that these rows reached this target: they are taken from the journal, and nothing is sent.
        $again = @($Rows | Send-OctopodsSms -ApiKey $ServiceKey -BaseUri $Server.Uri -JournalPath $journal -AcceptJournalTarget)
        $again.FromJournal | Should -Be @($true, $true, $true)
        @(Get-Ledger) | Should -HaveCount 0
        (Get-OctopodsSendReport -JournalPath $journal).Target | Sort-Object -Unique | Should -Be $Server.Uri
    }

    It 'a run with another key is another target; the same key resumes' {
        $journal = Join-Path $TestDrive 'service.jsonl'
        $sent = @($Rows | Send-OctopodsSms -ApiKey $ServiceKey -BaseUri $Server.Uri -JournalPath $journal)
        $sent | Should -HaveCount 3
        $rotated = ConvertTo-SecureString -String 'sk_pester_target_rotated' -AsPlainText -Force
        { $Rows | Send-OctopodsSms -ApiKey $rotated -BaseUri $Server.Uri -JournalPath $journal -ErrorAction Stop } |
            Should -Throw -ErrorId 'Octopods.JournalTargetMismatch*'
        $resumed = @($Rows | Send-OctopodsSms -ApiKey $ServiceKey -BaseUri $Server.Uri -JournalPath $journal)
        $resumed.FromJournal | Should -Be @($true, $true, $true)
        Get-Content -LiteralPath $journal -Raw | Should -Not -BeLike '*sk_pester_target*'
    }
}

Describe 'A resume never sends again because a rule changed' {
    BeforeAll {
        $script:Server = Start-OctopodsTestServer
        function Get-Ledger { @(Invoke-RestMethod -Uri "$($Server.Uri)__test/ledger" -NoProxy) | ForEach-Object { $_ } }
        $script:Key = ConvertTo-SecureString -String 'sk_pester_rule_77d1' -AsPlainText -Force
        $script:Rows = 1..3 | ForEach-Object {
            [pscustomobject]@{ To = "+1415555$('{0:D4}' -f (7100 + $_))"; Message = "Hello $_,`nyour order has shipped."; OrderId = "O-$_"; CustomerId = "C-$_" }
        }
        function Send-Row {
            param([Parameter(ValueFromPipeline)]$Row, [string]$Journal, $Key)
            begin { $rows = [Collections.Generic.List[object]]::new() }
            process { $rows.Add($Row) }
            end {
                $splat = @{ ApiKey = $script:Key; BaseUri = $script:Server.Uri; JournalPath = $Journal; ErrorAction = 'Stop' }
                if ($PSBoundParameters.ContainsKey('Key')) { $splat.IdempotencyKey = $Key }
                $rows | Send-OctopodsSms @splat
            }
        }
    }

    AfterAll { Stop-OctopodsTestServer $Server }

    It 'refuses a resume that adds, changes or removes -IdempotencyKey, and sends nothing' {
        $journal = Join-Path $TestDrive 'by-content.jsonl'
        @($Rows | Send-Row -Journal $journal) | Should -HaveCount 3
        $sent = @(Get-Ledger).Count
        $before = Get-Content -LiteralPath $journal -Raw

        $refused = $null
        try { $Rows | Send-Row -Journal $journal -Key { $_.OrderId } }
        catch { $refused = $_ }
        $refused.FullyQualifiedErrorId | Should -BeLike 'Octopods.JournalRuleChanged*'
        "$refused" | Should -BeLike '*their content (no -IdempotencyKey)*-IdempotencyKey { $_.OrderId }*'
        $refused.ErrorDetails.RecommendedAction | Should -BeLike 'Resume with their content*new -JournalPath*'
        @(Get-Ledger).Count | Should -Be $sent
        Get-Content -LiteralPath $journal -Raw | Should -BeExactly $before

        # Named by a column: another column, or none, is refused; the same column in another case resumes.
        $keyed = Join-Path $TestDrive 'by-key.jsonl'
        @($Rows | Send-Row -Journal $keyed -Key OrderId) | Should -HaveCount 3
        $sent = @(Get-Ledger).Count
        { $Rows | Send-Row -Journal $keyed -Key CustomerId } | Should -Throw -ErrorId 'Octopods.JournalRuleChanged*'
        { $Rows | Send-Row -Journal $keyed } | Should -Throw -ErrorId 'Octopods.JournalRuleChanged*'
        $resumed = @($Rows | Send-Row -Journal $keyed -Key orderid)
        $resumed.FromJournal | Should -Be @($true, $true, $true)
        @(Get-Ledger).Count | Should -Be $sent
    }

    It 'resumes a CSV saved again with other line ends, trailing spaces or Unicode form without sending' {
        $journal = Join-Path $TestDrive 'resaved.jsonl'
        $rows = $Rows | ForEach-Object { [pscustomobject]@{ To = $_.To; Message = $_.Message + " Caf$([char]0xE9)" } }
        @($rows | Send-Row -Journal $journal) | Should -HaveCount 3
        $sent = @(Get-Ledger).Count

        $resaved = $rows | ForEach-Object {
            [pscustomobject]@{ To = $_.To; Message = ($_.Message -replace "`n", " `r`n").Normalize([Text.NormalizationForm]::FormD) + '  ' }
        }
        ($resaved[0].Message -ceq $rows[0].Message) | Should -BeFalse
        $again = @($resaved | Send-Row -Journal $journal)
        $again.FromJournal | Should -Be @($true, $true, $true)
        @(Get-Ledger).Count | Should -Be $sent
    }

    It 'stops at once when the rows lack the column -IdempotencyKey names, and takes a typed key as the key' {
        $journal = Join-Path $TestDrive 'missing.jsonl'
        $sent = @(Get-Ledger).Count
        $stopped = $null
        try { $Rows | Send-OctopodsSms -ApiKey $Key -BaseUri $Server.Uri -JournalPath $journal -IdempotencyKey Order -ErrorAction SilentlyContinue -ErrorVariable errs }
        catch { $stopped = $_ }
        $stopped.FullyQualifiedErrorId | Should -BeLike 'Octopods.IdempotencyKeyInvalid*'
        "$stopped" | Should -BeLike "*no column 'Order'*To, Message, OrderId, CustomerId*"
        @(Get-Ledger).Count | Should -Be $sent

        $typed = @{ ApiKey = $Key; BaseUri = $Server.Uri; JournalPath = $journal; DestinationPhone = '+14155557200'; IdempotencyKey = 'reminder-42' }
        (Send-OctopodsSms @typed -Body 'Your appointment is at 9').FromJournal | Should -BeFalse
        (Send-OctopodsSms @typed -Body 'Your appointment is at 9:00').FromJournal | Should -BeTrue
        @(Get-Ledger).Count | Should -Be ($sent + 1)
        # A loop of typed commands, some with a key and some without, shares one journal.
        $typed.Remove('IdempotencyKey')
        (Send-OctopodsSms @typed -Body 'No key for this one').FromJournal | Should -BeFalse
        (Send-OctopodsSms @typed -Body 'Keyed again' -IdempotencyKey 'reminder-43').FromJournal | Should -BeFalse
        @(Get-Ledger).Count | Should -Be ($sent + 3)
    }
}

Describe 'An outage stops the run' {
    BeforeAll {
        $script:Down = Start-OctopodsTestServer -Fault ServerError
        $script:Up = Start-OctopodsTestServer
        $script:OutageKey = ConvertTo-SecureString -String 'sk_pester_outage_61d0' -AsPlainText -Force
        $script:Rows = 1..40 | ForEach-Object { [pscustomobject]@{ To = "+1415555$('{0:D4}' -f (8000 + $_))"; Message = "Outage message $_" } }
    }

    AfterAll {
        Stop-OctopodsTestServer $Down
        Stop-OctopodsTestServer $Up
    }

    It 'pauses, then stops with one named error; a plain resume sends the rows not attempted, never the unknown ones' {
        $journal = Join-Path $TestDrive 'outage.jsonl'
        $results = @($Rows | Send-OctopodsSms -ApiKey $OutageKey -BaseUri $Down.Uri -JournalPath $journal `
                -ErrorVariable failures -ErrorAction SilentlyContinue -InformationVariable info)
        $results | Should -HaveCount 0
        $outage = @($failures | Where-Object FullyQualifiedErrorId -Like 'Octopods.ServiceOutage*')
        $outage | Should -HaveCount 1
        "$($outage[0])" | Should -BeLike '*sends in a row*'
        $outage[0].ErrorDetails.RecommendedAction | Should -BeLike '*same -JournalPath*'
        $unknown = @($failures | Where-Object FullyQualifiedErrorId -Like 'Octopods.ServerError*')
        # The 20 failures in a row, and the sends already on the wire at each pause and at the stop (4 in
        # flight at most each time); before, all 40 rows ended unknown.
        $unknown.Count | Should -BeGreaterOrEqual 20
        $unknown.Count | Should -BeLessOrEqual 36
        $summary = ($info | Where-Object { $_.Tags -contains 'Summary' }).MessageData
        $summary.StopReason | Should -BeLike '*sends in a row*'
        $summary.NotAttempted | Should -Be (40 - $unknown.Count)

        $null = Get-OctopodsSendReport -JournalPath $journal -WarningVariable said -WarningAction SilentlyContinue
        "$said" | Should -BeLike '*stopped itself*'

        # The service is back (at another address, so the journal is accepted for it).
        $again = @($Rows | Send-OctopodsSms -ApiKey $OutageKey -BaseUri $Up.Uri -JournalPath $journal -AcceptJournalTarget `
                -ErrorVariable stillUnknown -ErrorAction SilentlyContinue)
        $again | Should -HaveCount (40 - $unknown.Count)
        @($stillUnknown | Where-Object FullyQualifiedErrorId -Like 'Octopods.OutcomeUnknown*') | Should -HaveCount $unknown.Count
        @(Invoke-RestMethod -Uri "$($Up.Uri)__test/ledger" -NoProxy | ForEach-Object { $_ }) | Should -HaveCount (40 - $unknown.Count)
    }
}

Describe 'A refused key stops the run' {
    BeforeAll { $script:KeyServer = Start-OctopodsTestServer }
    AfterAll { Stop-OctopodsTestServer $KeyServer }

    It 'stops at the first refusal with one named error, and the report lists every row as not sent' {
        $journal = Join-Path $TestDrive 'refused-key.jsonl'
        $key = ConvertTo-SecureString -String 'sandbox-invalid-key' -AsPlainText -Force
        $rows = 1..30 | ForEach-Object { [pscustomobject]@{ To = "+1415555$('{0:D4}' -f (8600 + $_))"; Message = "Key message $_" } }
        $results = @($rows | Send-OctopodsSms -ApiKey $key -BaseUri $KeyServer.Uri -JournalPath $journal -ThrottleLimit 1 `
                -ErrorVariable failures -ErrorAction SilentlyContinue -InformationVariable info)
        $results | Should -HaveCount 0
        # Before, each of the 30 rows was sent with the refused key and met its own 401.
        @($failures | Where-Object FullyQualifiedErrorId -Like 'Octopods.Unauthorized*') | Should -HaveCount 1
        $stop = @($failures | Where-Object FullyQualifiedErrorId -Like 'Octopods.KeyRefusedStop*')
        $stop | Should -HaveCount 1
        "$($stop[0])" | Should -BeLike '*refused the key*the 29 row(s) after it were not attempted*'
        $failures[-1].FullyQualifiedErrorId | Should -BeLike 'Octopods.KeyRefusedStop*'   # after the refusal itself
        ($info | Where-Object { $_.Tags -contains 'Summary' }).MessageData.NotAttempted | Should -Be 29
        $report = @(Get-OctopodsSendReport $journal -WarningAction SilentlyContinue)
        @($report.InputRow) | Should -Be (1..30)
        @($report.Outcome | ForEach-Object { "$_" } | Group-Object -NoElement | ForEach-Object { "$($_.Count) $($_.Name)" }) | Should -Be @('1 Failed', '29 NotAttempted')
    }
}

Describe 'Stop means stop' {
    BeforeAll {
        # 40 ms a request: rows pile up behind the window while the first ones are on the wire.
        $script:Paced = Start-OctopodsTestServer -LatencyMs 40
        function Get-PacedLedger { @(Invoke-RestMethod -Uri "$($Paced.Uri)__test/ledger" -NoProxy) | ForEach-Object { $_ } }
        $script:StopKey = ConvertTo-SecureString -String 'sk_pester_stop_2b7e' -AsPlainText -Force
        # 200 rows named by their number; row 3's number is not E.164, so it is refused before sending.
        function Get-StopRow {
            param([string]$Tag, [int]$Bad = 3, [string]$BadNumber = '4155550003')
            1..200 | ForEach-Object {
                $to = if ($_ -eq $Bad) { $BadNumber } else { '+1415555{0:D4}' -f (6000 + $_) }
                [pscustomobject]@{ To = $to; Message = "$Tag row $_" }
            }
        }
        function Get-SentRow {
            param([string]$Tag)
            Get-PacedLedger | Where-Object { $_ -like "$Tag row *" } | ForEach-Object { [int]($_ -replace '^.* row ', '') }
        }
    }

    AfterAll { Stop-OctopodsTestServer $Paced }

    It 'starts no row after the failing one under -ErrorAction Stop' -ForEach @(
        @{ Tag = 'ea-stop'; Throttle = 8 }
        @{ Tag = 'ea-stop-1'; Throttle = 1 }
    ) {
        $stopped = $null
        try {
            Get-StopRow -Tag $Tag | Send-OctopodsSms -ApiKey $StopKey -BaseUri $Paced.Uri -ThrottleLimit $Throttle -ErrorAction Stop -WarningAction SilentlyContinue
        }
        catch { $stopped = $_ }
        $stopped.FullyQualifiedErrorId | Should -BeLike 'Octopods.PhoneInvalid*'
        $sent = @(Get-SentRow -Tag $Tag)
        # Only rows before the bad one; with more in flight, those already on the wire when it was refused.
        @($sent | Where-Object { $_ -gt 3 }) | Should -HaveCount 0
        $sent.Count | Should -BeLessOrEqual 2
    }

    It 'stops the same way under $ErrorActionPreference = ''Stop'', at a row the provider refuses' {
        $ErrorActionPreference = 'Stop'
        $stopped = $null
        try {
            # The sandbox's provider-error number: accepted on the wire, refused by the provider.
            Get-StopRow -Tag 'eap-stop' -Bad 5 -BadNumber '+15005550003' |
                Send-OctopodsSms -ApiKey $StopKey -BaseUri $Paced.Uri -ThrottleLimit 1 -WarningAction SilentlyContinue
        }
        catch { $stopped = $_ }
        $ErrorActionPreference = 'Continue'
        $stopped.FullyQualifiedErrorId | Should -BeLike 'Octopods.ProviderError*'
        (@(Get-SentRow -Tag 'eap-stop') -join ',') | Should -Be '1,2,3,4'
    }

    It 'says what stopped as a warning that -WarningAction SilentlyContinue silences' {
        $script = {
            param($Manifest, $Uri)
            Import-Module $Manifest
            $key = ConvertTo-SecureString -String 'sk_pester_stop_2b7e' -AsPlainText -Force
            $rows = 1..50 | ForEach-Object { [pscustomobject]@{ To = if ($_ -eq 3) { '12' } else { '+1415555{0:D4}' -f (6500 + $_) }; Message = "warn row $_" } }
            foreach ($action in 'Continue', 'SilentlyContinue') {
                "--- $action"
                try { $rows | Send-OctopodsSms -ApiKey $key -BaseUri $Uri -ThrottleLimit 1 -ErrorAction Stop -WarningAction $action | Out-Null }
                catch { 'stopped' }
            }
        }
        $out = (Invoke-FreshPwsh -Arguments @('-Command', "& { $script } '$Manifest' '$($Paced.Uri)'") | Out-String) -split '--- '
        $shown = $out | Where-Object { $_ -like 'Continue*' }
        $silenced = $out | Where-Object { $_ -like 'SilentlyContinue*' }
        $shown | Should -BeLike '*stopped after*'
        $silenced | Should -BeLike '*stopped*'
        $silenced | Should -Not -BeLike '*stopped after*'
    }
}

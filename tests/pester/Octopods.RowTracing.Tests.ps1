#Requires -Version 7.4
<#
    Pester 5 journeys for tracing every input row on real pwsh: a CSV with a bad number, a repeated
    row and a provider refusal, sent with -TrackingProperty and a journal; each row's result or
    error names its position and the tracked column, the journal records every row (refused and
    repeated ones too), and Get-OctopodsSendReport returns exactly one row per input row that joins
    back to the CSV, before and after a resume. Mistakes in -TrackingProperty stop the command once.

    Module under test: see ModuleUnderTest.ps1 (-ModulePath, $env:OCTOPODS_MODULE_PATH, or out/ of this checkout).
#>
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSReviewUnusedParameter', 'ModulePath', Justification = 'Pester container data: read in BeforeAll, which the rule does not look into.')]
param(
    [string]$ModulePath
)

BeforeAll {
    . (Join-Path $PSScriptRoot 'ModuleUnderTest.ps1')
    $null = Import-OctopodsModuleUnderTest -ModulePath $ModulePath
    foreach ($channel in 'SMS', 'WHATSAPP', 'VIBER') { Remove-Item -LiteralPath "Env:OCTOPODS_$($channel)_API_KEY" -ErrorAction Ignore }

    # Row 2's number is not E.164, row 4 repeats row 1, row 5's number the sandbox's provider refuses.
    function New-TracedCsv {
        [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseShouldProcessForStateChangingFunctions', '', Justification = 'A test fixture: a CSV file written under TestDrive.')]
        param([string]$Path, [string]$SecondPhone = '555-0102')
        @(
            [pscustomobject]@{ CustomerId = 'C-1'; Phone = '+14155550101'; Message = 'Your order has shipped.' }
            [pscustomobject]@{ CustomerId = 'C-2'; Phone = $SecondPhone; Message = 'Your order has shipped.' }
            [pscustomobject]@{ CustomerId = 'C-3'; Phone = '+14155550103'; Message = 'Your order has shipped.' }
            [pscustomobject]@{ CustomerId = 'C-4'; Phone = '+14155550101'; Message = 'Your order has shipped.' }
            [pscustomobject]@{ CustomerId = 'C-5'; Phone = '+15005550003'; Message = 'Your order has shipped.' }
            [pscustomobject]@{ CustomerId = 'C-6'; Phone = '+14155550106'; Message = 'Your order has shipped.' }
        ) | Export-Csv -LiteralPath $Path -NoTypeInformation
    }

    function Read-Journal {
        param([string]$Path)
        Get-Content -LiteralPath $Path | Where-Object { $_ } | ForEach-Object { $_ | ConvertFrom-Json }
    }
}

AfterAll {
    if (Get-Command -Name Disconnect-Octopods -ErrorAction SilentlyContinue) { Disconnect-Octopods }
    Get-Module -Name Octopods | Remove-Module -Force
}

Describe 'Every input row is traceable' {
    BeforeAll {
        Disconnect-Octopods
        Connect-Octopods -Sandbox
        $script:Csv = Join-Path $TestDrive 'customers.csv'
        $script:Journal = Join-Path $TestDrive 'customers.jsonl'
        New-TracedCsv -Path $script:Csv
        $rows = Import-Csv -LiteralPath $script:Csv
        $script:Sent = @($rows | Send-OctopodsSms -JournalPath $script:Journal -TrackingProperty CustomerId -ErrorAction SilentlyContinue -ErrorVariable sendErrors)
        $script:Errors = @($sendErrors)
    }

    It 'gives each result its input row and tracked column' {
        @($script:Sent.InputRow) | Should -Be @(1, 3, 6)
        @($script:Sent.CustomerId) | Should -Be @('C-1', 'C-3', 'C-6')
        $script:Sent[0].GetType().FullName | Should -Be 'Octopods.Sms.SmsSendResult'
        $exported = Join-Path $TestDrive 'sent.csv'
        $script:Sent | Export-Csv -LiteralPath $exported -NoTypeInformation
        $back = @(Import-Csv -LiteralPath $exported)
        @($back.CustomerId) | Should -Be @('C-1', 'C-3', 'C-6')
        @($back.InputRow) | Should -Be @('1', '3', '6')
    }

    It 'names the row in each error''s message and exception, and keeps the CSV row as its target' {
        $script:Errors.Count | Should -Be 3
        @($script:Errors | ForEach-Object { $_.FullyQualifiedErrorId.Split(',')[0] }) | Should -Be @('Octopods.PhoneInvalid', 'Octopods.DuplicateRow', 'Octopods.ProviderError')
        @($script:Errors.Exception.InputRow) | Should -Be @(2, 4, 5)
        $script:Errors[0].Exception.Message | Should -BeLike 'Row 2 (CustomerId C-2): *555-0102*'
        $script:Errors[1].Exception.Message | Should -BeLike 'Row 4 (CustomerId C-4): *repeats an earlier row*'
        $script:Errors[2].Exception.Message | Should -BeLike 'Row 5 (CustomerId C-5): *'
        @($script:Errors.TargetObject.CustomerId) | Should -Be @('C-2', 'C-4', 'C-5')
    }

    It 'journals every row with its position and tracked column, refused and repeated rows too' {
        $records = @(Read-Journal $script:Journal)
        $rows = @($records | Where-Object { $_.type -in 'intent', 'refused', 'duplicate' } | Sort-Object input)
        @($rows.input) | Should -Be @(1, 2, 3, 4, 5, 6)
        @($rows.type) | Should -Be @('intent', 'refused', 'intent', 'duplicate', 'intent', 'intent')
        @($rows | ForEach-Object { $_.track.CustomerId }) | Should -Be @('C-1', 'C-2', 'C-3', 'C-4', 'C-5', 'C-6')
        $rows[1].error | Should -Be 'PhoneInvalid'
        $rows[1].to | Should -Be '555-0102'
        # The journal keeps no message text.
        Get-Content -LiteralPath $script:Journal -Raw | Should -Not -Match 'shipped'
    }

    It 'reports exactly one row per input row, joinable by row number and by the tracked column' {
        $report = @(Get-OctopodsSendReport $script:Journal)
        $csv = @(Import-Csv -LiteralPath $script:Csv)
        $report.Count | Should -Be $csv.Count
        @($report.InputRow) | Should -Be @(1, 2, 3, 4, 5, 6)
        @($report.Outcome | ForEach-Object { "$_" }) | Should -Be @('Accepted', 'Refused', 'Accepted', 'Duplicate', 'Failed', 'Accepted')
        foreach ($row in $report) { $row.CustomerId | Should -Be $csv[$row.InputRow - 1].CustomerId }
        $report[1].Reason | Should -Be 'Octopods.PhoneInvalid'
        $report[1].Destination | Should -Be '555-0102'
        $report[3].Reason | Should -Be 'Octopods.DuplicateRow'
        $report[0].MessageId | Should -Be $script:Sent[0].MessageId
        # As the README shows it.
        $counts = @{}; Get-OctopodsSendReport $script:Journal | Group-Object Outcome -NoElement | ForEach-Object { $counts[$_.Name] = $_.Count }
        $counts['Accepted'] | Should -Be 3
        $counts['Refused'] | Should -Be 1
        $counts['Duplicate'] | Should -Be 1
        $counts['Failed'] | Should -Be 1
    }

    It 'still reports one row per input row after the bad number is fixed and the run resumed' {
        New-TracedCsv -Path $script:Csv -SecondPhone '+14155550102'
        $rows = Import-Csv -LiteralPath $script:Csv
        $again = @($rows | Send-OctopodsSms -JournalPath $script:Journal -TrackingProperty CustomerId -ErrorAction SilentlyContinue -ErrorVariable resumeErrors)
        @($again.InputRow) | Should -Be @(1, 2, 3, 6)
        @($again.FromJournal) | Should -Be @($true, $false, $true, $true)
        @($again.CustomerId) | Should -Be @('C-1', 'C-2', 'C-3', 'C-6')
        @($resumeErrors.Exception.InputRow) | Should -Be @(4, 5)
        $report = @(Get-OctopodsSendReport $script:Journal)
        @($report.InputRow) | Should -Be @(1, 2, 3, 4, 5, 6)
        @($report.Outcome | ForEach-Object { "$_" }) | Should -Be @('Accepted', 'Accepted', 'Accepted', 'Duplicate', 'Failed', 'Accepted')
        $report[1].Destination | Should -Be '+14155550102'
    }

    It 'journals a run whose every row is refused, so its report lists them' {
        $journal = Join-Path $TestDrive 'all-bad.jsonl'
        $bad = @('555-0001', '555-0002', '555-0003') | ForEach-Object { [pscustomobject]@{ Phone = $_; Message = 'Hi'; CustomerId = "B-$_" } }
        $sent = @($bad | Send-OctopodsSms -JournalPath $journal -TrackingProperty CustomerId -ErrorAction SilentlyContinue -ErrorVariable badErrors)
        $sent.Count | Should -Be 0
        $badErrors.Count | Should -Be 3
        $report = @(Get-OctopodsSendReport $journal)
        @($report.InputRow) | Should -Be @(1, 2, 3)
        @($report.Outcome | ForEach-Object { "$_" } | Select-Object -Unique) | Should -Be 'Refused'
        @($report.CustomerId) | Should -Be @('B-555-0001', 'B-555-0002', 'B-555-0003')
    }

    It 'numbers every row, one with a cell PowerShell could not bind included' {
        # A yes/no cell that is neither used to make PowerShell skip the row before the command saw it,
        # unnumbered, so every later row's InputRow was one short.
        $rows = @(
            [pscustomobject]@{ To = '+14155550121'; Message = 'A'; open_intercom_conversation = 'true' }
            [pscustomobject]@{ To = '+14155550122'; Message = 'B'; open_intercom_conversation = 'maybe' }
            [pscustomobject]@{ To = '+14155550123'; Message = 'C'; open_intercom_conversation = '' }
        )
        $sent = @($rows | Send-OctopodsSms -ErrorAction SilentlyContinue -ErrorVariable yesNo)
        @($sent.InputRow) | Should -Be @(1, 3)
        $yesNo.Count | Should -Be 1
        $yesNo[0].FullyQualifiedErrorId | Should -BeLike 'Octopods.YesNoInvalid,*'
        $yesNo[0].Exception.Message | Should -BeLike "Row 2: 'maybe' is not a yes/no value*"
    }

    It 'writes no journal for a dry run' {
        $journal = Join-Path $TestDrive 'dry.jsonl'
        $null = [pscustomobject]@{ Phone = '555-0001'; Message = 'Hi' } | Send-OctopodsSms -JournalPath $journal -WhatIf -ErrorAction SilentlyContinue
        Test-Path -LiteralPath $journal | Should -BeFalse
    }
}

Describe 'An option no row can use stops the command once, before anything is sent' {
    BeforeAll {
        Disconnect-Octopods
        Connect-Octopods -Sandbox
        $script:Rows = @(
            [pscustomobject]@{ CustomerId = 'C-1'; Phone = '+14155550111'; Message = 'One' }
            [pscustomobject]@{ CustomerId = 'C-2'; Phone = '+14155550112'; Message = 'Two' }
        )
    }

    It 'on a typed command, which has no rows' {
        $journal = Join-Path $TestDrive 'typed.jsonl'
        { Send-OctopodsSms -To '+14155550111' -Body 'One' -TrackingProperty CustomerId -JournalPath $journal -ErrorAction Stop } |
            Should -Throw -ErrorId 'Octopods.TrackingPropertyInvalid*'
        Test-Path -LiteralPath $journal | Should -BeFalse
    }

    It 'for a column the rows lack, naming the columns they have' {
        $journal = Join-Path $TestDrive 'missing.jsonl'
        $thrown = { $script:Rows | Send-OctopodsSms -TrackingProperty ClientId -JournalPath $journal } | Should -Throw -ErrorId 'Octopods.TrackingPropertyInvalid*' -PassThru
        $thrown.Exception.Message | Should -BeLike "*'ClientId'*CustomerId, Phone, Message*"
        Test-Path -LiteralPath $journal | Should -BeFalse
    }

    It 'and so does an option that acts on a journal, given without one' {
        foreach ($option in @{ ResendUnknown = $true }, @{ AcceptJournalTarget = $true }) {
            $thrown = { $script:Rows | Send-OctopodsSms @option } | Should -Throw -ErrorId 'Octopods.JournalPathMissing*' -PassThru
            $thrown.Exception.Message | Should -BeLike "-$(@($option.Keys)[0]) acts on *no -JournalPath*"
        }
    }

    It 'for a name the results already have' {
        $thrown = { $script:Rows | Send-OctopodsSms -TrackingProperty Status } | Should -Throw -ErrorId 'Octopods.TrackingPropertyInvalid*' -PassThru
        $thrown.Exception.Message | Should -BeLike '*hide the results'' own Status*'
    }
}

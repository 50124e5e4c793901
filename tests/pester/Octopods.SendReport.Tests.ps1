#Requires -Version 7.4
<#
    Pester 5 journeys for Get-OctopodsSendReport on real pwsh: the morning after a sandbox campaign
    whose journal holds accepted rows that end Delivered or Failed, a row refused at once, an
    intent-only row a crash would leave, and WhatsApp and Viber rows; then what an operator pipes
    it to (Group-Object, Export-Csv) and the table view at 80 columns. Reading the journal is
    covered in detail by the xunit suite (JournalReportTests); these check the command in a pipeline.

    Module under test: see ModuleUnderTest.ps1 (-ModulePath, $env:OCTOPODS_MODULE_PATH, or out/ of this checkout).
#>
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSAvoidUsingConvertToSecureStringWithPlainText', '', Justification = 'A throwaway test key, made up in this file.')]
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSReviewUnusedParameter', 'ModulePath', Justification = 'Pester container data: read in BeforeAll, which the rule does not look into.')]
param(
    [string]$ModulePath
)

BeforeAll {
    . (Join-Path $PSScriptRoot 'ModuleUnderTest.ps1')
    $null = Import-OctopodsModuleUnderTest -ModulePath $ModulePath
    foreach ($channel in 'SMS', 'WHATSAPP', 'VIBER') { Remove-Item -LiteralPath "Env:OCTOPODS_$($channel)_API_KEY" -ErrorAction Ignore }
}

AfterAll {
    if (Get-Command -Name Disconnect-Octopods -ErrorAction SilentlyContinue) { Disconnect-Octopods }
    Get-Module -Name Octopods | Remove-Module -Force
}

Describe 'The morning after a sandbox campaign' {
    BeforeAll {
        Disconnect-Octopods
        Connect-Octopods -Sandbox
        $script:Journal = Join-Path $TestDrive 'campaign.jsonl'
        $rows = @(
            [pscustomobject]@{ To = '+14155550100'; Message = 'Spring sale: 1' }
            [pscustomobject]@{ To = '+15005550001'; Message = 'Spring sale: 2' }   # accepted, then ends Failed
            [pscustomobject]@{ To = '+15005550003'; Message = 'Spring sale: 3' }   # refused at once (provider error)
            [pscustomobject]@{ To = '+14155550104'; Message = 'Spring sale: 4' }
        )
        $script:Sent = @($rows | Send-OctopodsSms -JournalPath $script:Journal -ErrorAction SilentlyContinue -ErrorVariable sendErrors)
        $script:SendErrors = $sendErrors
        $whatsApp = Send-OctopodsWhatsAppTemplate -TemplateId 1001 -To '+14155550120' -BodyVariable 'Ann', 'ORD-1' -JournalPath $script:Journal
        $null = Send-OctopodsViberTemplate -TemplateId 2003 -To '+14155550140' -HeaderVariable 'today' -BodyVariable '9:00', '11:00' -FooterVariable 'R-1' -JournalPath $script:Journal
        # A run killed while a row was on the wire leaves its intent and nothing after it.
        $script:UnknownKey = 'e' * 64
        Add-Content -LiteralPath $script:Journal -Value ('{"type":"intent","row":"' + $script:UnknownKey + '","seq":4,"channel":"Sms","to":"+14155550105","attempt":1,"at":"2026-05-01T20:00:05Z"}')
        # Sandbox time moves only while a command waits: let the night pass.
        $null = $script:Sent | Get-OctopodsSmsStatus -Wait
        $null = $whatsApp | Get-OctopodsWhatsAppStatus -Wait
        $script:Report = @(Get-OctopodsSendReport -JournalPath $script:Journal -Refresh -WarningVariable reportWarnings)
        $script:ReportWarnings = $reportWarnings
    }

    It 'the campaign it reports on: three SMS accepted, one refused at once' {
        $script:Sent.Count | Should -Be 3
        $script:SendErrors.Count | Should -Be 1
        "$($script:SendErrors[0].FullyQualifiedErrorId)" | Should -BeLike 'Octopods.ProviderError,*'
    }

    It 'writes one typed row per journal row, in the order the rows were sent' {
        $script:Report.Count | Should -Be 7
        $script:Report | ForEach-Object { $_.GetType().FullName | Should -Be 'Octopods.Bulk.SendReportRow' }
        @($script:Report.Destination) | Should -Be @('+14155550100', '+15005550001', '+15005550003', '+14155550104', '+14155550120', '+14155550140', '+14155550105')
        @($script:Report.Channel | ForEach-Object { "$_" }) | Should -Be @('Sms', 'Sms', 'Sms', 'Sms', 'WhatsApp', 'Viber', 'Sms')
        $script:ReportWarnings.Count | Should -Be 0
    }

    It 'shows Delivered, Failed with its reason, a refusal and an unknown row' {
        $byTo = @{}; $script:Report | ForEach-Object { $byTo[$_.Destination] = $_ }
        $byTo['+14155550100'].Status | Should -Be 'Delivered'
        $byTo['+14155550100'].DeliveredAt | Should -Not -BeNullOrEmpty
        $byTo['+14155550100'].MessageId | Should -Be $script:Sent[0].MessageId
        $byTo['+15005550001'].Outcome | Should -Be 'Accepted'
        $byTo['+15005550001'].Status | Should -Be 'Failed'
        $byTo['+15005550001'].FailureReason | Should -Not -BeNullOrEmpty
        $byTo['+15005550003'].Outcome | Should -Be 'Failed'
        $byTo['+15005550003'].Reason | Should -Be 'Octopods.ProviderError'
        $byTo['+15005550003'].Status | Should -BeNullOrEmpty
        $byTo['+15005550003'].MessageId | Should -BeNullOrEmpty
        $byTo['+14155550105'].Outcome | Should -Be 'Unknown'
        $byTo['+14155550105'].RowKey | Should -Be $script:UnknownKey
        $byTo['+14155550105'].Reason | Should -Be 'Octopods.OutcomeUnknown'
        $byTo['+14155550120'].Status | Should -BeIn 'Delivered', 'Read'
        $byTo['+14155550140'].Status | Should -BeNullOrEmpty
        $byTo['+14155550140'].Note | Should -Match 'Viber has no status endpoint'
    }

    It 'counts with Group-Object Status and Group-Object Outcome' {
        $status = @{}; $script:Report | Group-Object Status | ForEach-Object { $status[$_.Name] = $_.Count }
        $status['Delivered'] | Should -Be 3   # SMS 1 and 4, and WhatsApp (stopped at Delivered by -Wait, T + 3 s)
        $status['Failed'] | Should -Be 1
        $status[''] | Should -Be 3            # refused, unknown, Viber
        $outcome = @{}; $script:Report | Group-Object Outcome | ForEach-Object { $outcome[$_.Name] = $_.Count }
        $outcome['Accepted'] | Should -Be 5
        $outcome['Failed'] | Should -Be 1
        $outcome['Unknown'] | Should -Be 1
    }

    It 'exports to CSV as flat columns that read back' {
        $csv = Join-Path $TestDrive 'report.csv'
        $script:Report | Export-Csv -LiteralPath $csv -NoTypeInformation
        $back = @(Import-Csv -LiteralPath $csv)
        $back.Count | Should -Be 7
        foreach ($column in 'RowKey', 'Channel', 'Destination', 'MessageId', 'Outcome', 'Reason', 'Status', 'FailureReason', 'DeliveredAt', 'Note') {
            $back[0].PSObject.Properties.Name | Should -Contain $column
        }
        Get-Content -LiteralPath $csv -Raw | Should -Not -Match 'System\.|Octopods\.Bulk'
        $back[0].Status | Should -Be 'Delivered'
        $back[2].Outcome | Should -Be 'Failed'
        $back[2].Reason | Should -Be 'Octopods.ProviderError'
    }

    It 'shows a table that fits 80 columns, with why a row failed' {
        $lines = @(($script:Report | Out-String -Width 80) -split "`r?`n" | Where-Object { $_.Trim() })
        # Every column is shown whole at 80 (the fixed ones are never cut; Why takes what is left).
        $lines[0] | Should -Match '^\s*Row\s+Destination\s+Outcome\s+MessageId\s+Status\s+Why$'
        $failed = $lines | Where-Object { $_ -match '\+15005550001' }
        $failed | Should -Match "^\s+2 \+15005550001 Accepted\s+$([regex]::Escape($script:Sent[1].MessageId)) Failed\s+The destination"
        ($lines | Where-Object { $_ -match '\+15005550003' }) | Should -Match '^\s+3 .*Failed\s+ProviderError$'
        ($lines | Where-Object { $_ -match '\+14155550105' }) | Should -Match 'Unknown\s+OutcomeUnknown$'
        ($lines | Where-Object { $_ -match '\+14155550140' }) | Should -Match 'Viber has no'
    }

    It 'reads without a key; -Refresh without one stops with Octopods.NotConnected' {
        Disconnect-Octopods
        try {
            $plain = @(Get-OctopodsSendReport $script:Journal -ErrorAction Stop)
            $plain.Count | Should -Be 7
            $plain | ForEach-Object { $_.Status | Should -BeNullOrEmpty }
            { Get-OctopodsSendReport $script:Journal -Refresh -ErrorAction Stop } | Should -Throw -ErrorId 'Octopods.NotConnected*'
        }
        finally { Connect-Octopods -Sandbox }
    }
}

Describe 'Journals that cannot be read, and a crashed run' {
    It 'names a missing file' {
        $null = Get-OctopodsSendReport -JournalPath (Join-Path $TestDrive 'absent.jsonl') -ErrorVariable failure -ErrorAction SilentlyContinue
        "$($failure[0].FullyQualifiedErrorId)" | Should -BeLike 'Octopods.JournalNotFound,*'
        "$($failure[0])" | Should -Match 'absent\.jsonl'
    }

    It 'names a file of another format, and goes on to the next path' {
        $csv = Join-Path $TestDrive 'customers.csv'
        'To,Message', '+14155550100,hi' | Set-Content -LiteralPath $csv
        $good = Join-Path $TestDrive 'good.jsonl'
        '{"type":"octopods-journal","version":1}', ('{"type":"intent","row":"' + ('a' * 64) + '","channel":"Sms","to":"+14155550100"}') | Set-Content -LiteralPath $good
        $rows = @($csv, $good | Get-OctopodsSendReport -ErrorVariable failure -ErrorAction SilentlyContinue)
        "$($failure[0].FullyQualifiedErrorId)" | Should -BeLike 'Octopods.JournalNotRecognized,*'
        "$($failure[0])" | Should -Match 'not an Octopods journal'
        $rows.Count | Should -Be 1
        $rows[0].Outcome | Should -Be 'Unknown'
    }

    It 'skips a torn last line with a verbose note' {
        $torn = Join-Path $TestDrive 'torn.jsonl'
        $text = @(
            '{"type":"octopods-journal","version":1}'
            '{"type":"intent","row":"' + ('b' * 64) + '","channel":"Sms","to":"+14155550101"}'
            '{"type":"sent","row":"' + ('b' * 64) + '","message_id":"msg_sbx_0000'
        ) -join "`n"
        [IO.File]::WriteAllText($torn, $text)
        $all = @(Get-OctopodsSendReport -JournalPath $torn -Verbose -WarningVariable warnings 4>&1)
        $verbose = @($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        ($verbose -join "`n") | Should -Match 'Skipped 1 line.*cut short'
        $warnings.Count | Should -Be 0
        @($all | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }).Outcome | Should -Be 'Unknown'
    }
}

Describe 'Terminal controls from a hostile answer or journal' {
    BeforeAll {
        $script:Esc = [char]27
        $script:Hostile = Start-OctopodsTestServer -Fault HostileText
        $script:HostileKey = ConvertTo-SecureString -String 'sk_pester_hostile_4e1b' -AsPlainText -Force
    }

    AfterAll { Stop-OctopodsTestServer $script:Hostile }

    It 'never reach the console from a send''s result, in a list, a table or a CSV file' {
        $sent = Send-OctopodsSms -To '+14155550140' -Body 'probe' -ApiKey $HostileKey -BaseUri $Hostile.Uri
        $sent.MessageId | Should -BeLike "*msg_sbx_*"
        $shown = ($sent | Format-List * | Out-String) + ($sent | Format-Table | Out-String) + ($sent | ConvertTo-Csv | Out-String)
        $shown.Contains($Esc) | Should -BeFalse
        $shown.Contains([char]7) | Should -BeFalse
        ($sent.MessageId + $sent.RequestId) -match '[\r\n]' | Should -BeFalse
    }

    It 'never reach the console from a journal edited by hand' {
        $journal = Join-Path $TestDrive 'hostile.jsonl'
        $row = 'a' * 64
        Set-Content -LiteralPath $journal -Value @(
            '{"type":"octopods-journal","version":1}'
            '{"type":"intent","row":"' + $row + '","channel":"Sms","to":"+14155550141\u001b[2J"}'
            '{"type":"failed","row":"' + $row + '","error":"ProviderError","message":"refused\r\n\u001b]0;owned\u0007"}'
        )
        $report = @(Get-OctopodsSendReport -JournalPath $journal)
        $report | Should -HaveCount 1
        $shown = ($report | Format-List * | Out-String) + ($report | Format-Table | Out-String)
        $shown.Contains($Esc) | Should -BeFalse
        $report[0].Destination | Should -Be "+14155550141$([char]0xFFFD)[2J"
    }
}

#Requires -Version 7.4
<#
    Pester 5 journeys for the opt-out list on real pwsh: Add-, Get- and Remove-OctopodsOptOut against
    a list of the test's own (OCTOPODS_OPTOUT_PATH under TestDrive), the file they write (owner-only,
    whole, a record of each removal's consent), two processes adding at once, and every send
    refusing a listed number (-WhatIf included), journaled and reported as OptedOut.

    Module under test: see ModuleUnderTest.ps1 (-ModulePath, $env:OCTOPODS_MODULE_PATH, or out/ of this checkout).
#>
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSReviewUnusedParameter', 'ModulePath', Justification = 'Pester container data: read in BeforeAll, which the rule does not look into.')]
param(
    [string]$ModulePath
)

BeforeAll {
    . (Join-Path $PSScriptRoot 'ModuleUnderTest.ps1')
    $script:Manifest = (Import-OctopodsModuleUnderTest -ModulePath $ModulePath).Manifest
    $script:SavedPath = $env:OCTOPODS_OPTOUT_PATH
    foreach ($channel in 'SMS', 'WHATSAPP', 'VIBER') { Remove-Item -LiteralPath "Env:OCTOPODS_$($channel)_API_KEY" -ErrorAction Ignore }
    function Use-FreshList([string]$Name) {
        $env:OCTOPODS_OPTOUT_PATH = Join-Path $TestDrive "$Name/optouts.json"
        $env:OCTOPODS_OPTOUT_PATH
    }
}

AfterAll {
    $env:OCTOPODS_OPTOUT_PATH = $script:SavedPath
    if (Get-Command -Name Disconnect-Octopods -ErrorAction SilentlyContinue) { Disconnect-Octopods }
    Get-Module -Name Octopods | Remove-Module -Force
}

Describe 'The opt-out list' {
    It 'adds numbers normalised as the sends normalise them, once each, and names a bad one' {
        $path = Use-FreshList 'add'
        $rows = @(
            [pscustomobject]@{ Phone = '+1 415 555 0100'; Channel = 'Sms'; Reason = 'Replied STOP'; Date = '2026-11-02' }
            [pscustomobject]@{ Phone = '(415) 555-0100'; Channel = 'Sms'; Reason = 'Again'; Date = '2026-11-03' }
            [pscustomobject]@{ Phone = 'not-a-number'; Channel = 'All'; Reason = 'x'; Date = '2026-11-04' }
            [pscustomobject]@{ Phone = '+442079460143'; Channel = 'WhatsApp'; Reason = 'Blocked us'; Date = '2026-11-05' }
        )
        $added = @($rows | Add-OctopodsOptOut -DefaultRegion US -PassThru -ErrorAction SilentlyContinue -ErrorVariable bad)
        @($added.PhoneNumber) | Should -Be @('+14155550100', '+442079460143')
        $bad.Count | Should -Be 1
        $bad[0].FullyQualifiedErrorId | Should -BeLike 'Octopods.PhoneInvalid,*'
        $list = @(Get-OctopodsOptOut)
        $list.Count | Should -Be 2
        $list[0].Reason | Should -Be 'Replied STOP'   # the first entry is kept
        $list[0].OptedOutAt | Should -Be ([DateTimeOffset]'2026-11-02T00:00:00Z')
        "$($list[1].Channel)" | Should -Be 'WhatsApp'
        # Written whole: the list and its lock, no temporary file left; its owner's only.
        @(Get-ChildItem -LiteralPath (Split-Path $path) -Force).Name | Sort-Object | Should -Be @('optouts.json', 'optouts.json.lock')
        if (-not $IsWindows) { (Get-Item -LiteralPath $path).UnixMode | Should -Be '-rw-------' }
    }

    It 'takes every way of writing a number as one, and reads CRM cells the same in every culture' {
        $null = Use-FreshList 'canonical'
        # A trunk 0 after the country code is dropped by the sends too: +4407911123456 is +447911123456.
        Add-OctopodsOptOut -PhoneNumber '+4407911123456' -Reason 'Replied STOP'
        @(Get-OctopodsOptOut -PhoneNumber '+44 7911 123456').PhoneNumber | Should -Be @('+447911123456')
        $rows = @(
            [pscustomobject]@{ Phone = '+14155550130'; Channel = 'Email'; Reason = 'x'; Date = '2026-11-02' }
            [pscustomobject]@{ Phone = '+14155550131'; Channel = 'Sms'; Reason = 'x'; Date = 'yesterday-ish' }
            [pscustomobject]@{ Phone = '+14155550132'; Channel = 'sms'; Reason = 'x'; Date = '2026-11-02' }
            [pscustomobject]@{ Phone = '+14155550133'; Mobile = '+14155550134'; Reason = 'two numbers' }
        )
        $null = $rows | Add-OctopodsOptOut -ErrorAction SilentlyContinue -ErrorVariable cells
        @($cells | ForEach-Object { $_.FullyQualifiedErrorId.Split(',')[0] }) | Should -Be @('Octopods.OptOutChannelInvalid', 'Octopods.OptOutTimeInvalid', 'Octopods.AmbiguousColumns')
        $added = @(Get-OctopodsOptOut -PhoneNumber '+14155550132')
        "$($added.Channel)" | Should -Be 'Sms'
        # A date without an offset is that day in UTC, whatever the machine's zone or culture.
        $added.OptedOutAt | Should -Be ([DateTimeOffset]::new(2026, 11, 2, 0, 0, 0, [TimeSpan]::Zero))
    }

    It 'keeps what it read when the command stops early' {
        $null = Use-FreshList 'stopped'
        { '+14155550140', 'bad', '+14155550141' | Add-OctopodsOptOut -Reason 'x' -ErrorAction Stop } | Should -Throw -ErrorId 'Octopods.PhoneInvalid*'
        @(Get-OctopodsOptOut).PhoneNumber | Should -Be @('+14155550140')
    }

    It 'refuses a damaged list or a folder, naming it, and never reads it in part' {
        $path = Use-FreshList 'strict'
        $null = New-Item -ItemType Directory -Path (Split-Path $path) -Force
        Set-Content -LiteralPath $path -Value '{"type":"octopods-optouts","version":1,"entries":[{"phone":"+14155550150","channel":"Sms","opted_out_at":"2026-11-02T00:00:00Z"},{"channel":"Sms"}]}'
        { Get-OctopodsOptOut } | Should -Throw -ErrorId 'Octopods.OptOutFileInvalid*'
        $env:OCTOPODS_OPTOUT_PATH = Split-Path $path
        { Get-OctopodsOptOut } | Should -Throw -ErrorId 'Octopods.OptOutFileInvalid*'
    }

    It 'finds entries by number and by the channel they block' {
        $null = Use-FreshList 'get'
        Add-OctopodsOptOut -PhoneNumber '+14155550101' -Channel All -Reason 'Asked to be left alone'
        Add-OctopodsOptOut -PhoneNumber '+14155550102' -Channel WhatsApp -Reason 'Blocked us'
        @(Get-OctopodsOptOut -Channel Sms).PhoneNumber | Should -Be @('+14155550101')
        @(Get-OctopodsOptOut -Channel WhatsApp).PhoneNumber | Should -Be @('+14155550101', '+14155550102')
        @(Get-OctopodsOptOut -PhoneNumber '(415) 555-0102' -DefaultRegion US).Reason | Should -Be 'Blocked us'
        @(Get-OctopodsOptOut -PhoneNumber '+14155550199') | Should -HaveCount 0
    }

    It 'removes only with confirmation, and keeps the consent given as the record of it' {
        $path = Use-FreshList 'remove'
        Add-OctopodsOptOut -PhoneNumber '+14155550103' -Reason 'Replied STOP'
        # A job that cannot answer the prompt removes nothing (ConfirmImpact High).
        $script = "Import-Module '$Manifest'; `$env:OCTOPODS_OPTOUT_PATH = '$path'; Remove-OctopodsOptOut -PhoneNumber '+14155550103' -Reason 'no consent asked'"
        $printed = Invoke-FreshPwsh -Arguments @('-Command', $script) | Out-String
        $printed | Should -Match 'NonInteractive|non-interactive|prompt' -Because "it could not ask:`n$printed"
        @(Get-OctopodsOptOut).PhoneNumber | Should -Be @('+14155550103') -Because $printed
        (Get-Command Remove-OctopodsOptOut).Parameters['Reason'].Attributes.Where({ $_ -is [Parameter] }).Mandatory | Should -Be $true
        { Remove-OctopodsOptOut -PhoneNumber '+14155550103' -Reason '   ' -Confirm:$false } | Should -Throw -ErrorId 'Octopods.ArgumentMissing*'
        Remove-OctopodsOptOut -PhoneNumber '+14155550103' -Reason 'Signed consent form, ticket 4411' -Confirm:$false
        @(Get-OctopodsOptOut) | Should -HaveCount 0
        $removal = @((Get-Content -LiteralPath $path -Raw | ConvertFrom-Json).removals)
        $removal.Count | Should -Be 1
        $removal[0].reason | Should -Be 'Signed consent form, ticket 4411'
        $removal[0].opted_out_reason | Should -Be 'Replied STOP'
        $removal[0].removed_by | Should -Be ([Environment]::UserName)
        Remove-OctopodsOptOut -PhoneNumber '+14155550103' -Reason 'again' -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable gone
        $gone[0].FullyQualifiedErrorId | Should -BeLike 'Octopods.OptOutNotFound,*'
    }

    It 'loses no number when two processes add at once' {
        $path = Use-FreshList 'concurrent'
        # Two fresh pwsh processes at once, each adding 40 numbers one command at a time.
        $pwshDll = Join-Path $PSHOME 'pwsh.dll'
        $processes = foreach ($block in 0, 1) {
            $adds = "foreach (`$i in 1..40) { Add-OctopodsOptOut -PhoneNumber ('+1415556{0}{1:D3}' -f $block, `$i) -Reason 'load' }"
            $script = "Import-Module '$Manifest'; `$env:OCTOPODS_OPTOUT_PATH = '$path'; $adds"
            $info = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
            if (Test-Path -LiteralPath $pwshDll) { $info.ArgumentList.Add($pwshDll) } else { $info.FileName = Join-Path $PSHOME 'pwsh' }
            foreach ($argument in '-NoProfile', '-NonInteractive', '-Command', $script) { $info.ArgumentList.Add($argument) }
            $info.UseShellExecute = $false
            [System.Diagnostics.Process]::Start($info)
        }
        foreach ($process in $processes) { if (-not $process.WaitForExit(120000)) { $process.Kill() } }
        @(Get-OctopodsOptOut).Count | Should -Be 80
    }

    It 'stops every send at once when the list is not one, and sends nothing' {
        $path = Use-FreshList 'damaged'
        $null = New-Item -ItemType Directory -Path (Split-Path $path) -Force
        Set-Content -LiteralPath $path -Value 'Phone,Reason'
        Connect-Octopods -Sandbox
        { [pscustomobject]@{ To = '+14155550104'; Message = 'Hi' } | Send-OctopodsSms -ErrorAction Stop } |
            Should -Throw -ErrorId 'Octopods.OptOutFileInvalid*'
        Get-Content -LiteralPath $path | Should -Be 'Phone,Reason'   # left untouched
    }
}

Describe 'Sends honour the opt-out list' {
    BeforeAll {
        $null = Use-FreshList 'sends'
        Disconnect-Octopods
        Connect-Octopods -Sandbox
        Add-OctopodsOptOut -PhoneNumber '+14155550111' -Reason 'Replied STOP'
        Add-OctopodsOptOut -PhoneNumber '+14155550112' -Channel WhatsApp -Reason 'Blocked us'
    }

    It 'refuses a listed number before sending, journals it, and reports it as OptedOut' {
        $journal = Join-Path $TestDrive 'optout.jsonl'
        $rows = '+14155550110', '+14155550111', '+14155550112' | ForEach-Object { [pscustomobject]@{ To = $_; Message = "Sale for $_" } }
        $sent = @($rows | Send-OctopodsSms -JournalPath $journal -ErrorAction SilentlyContinue -ErrorVariable refused)
        # The WhatsApp-only entry does not block SMS.
        @($sent.PhoneNumber) | Should -Be @('+14155550110', '+14155550112')
        $refused.Count | Should -Be 1
        $refused[0].FullyQualifiedErrorId | Should -BeLike 'Octopods.RecipientOptedOut,*'
        $refused[0].Exception.Message | Should -BeLike 'Row 2: +14155550111 opted out of every channel on *(Replied STOP); the message was not sent.*Remove-OctopodsOptOut*'
        $report = @(Get-OctopodsSendReport $journal)
        @($report.Outcome | ForEach-Object { "$_" }) | Should -Be @('Accepted', 'OptedOut', 'Accepted')
        $report[1].Reason | Should -Be 'Octopods.RecipientOptedOut'
    }

    It 'refuses on the channel the entry names' {
        $wa = Send-OctopodsWhatsAppTemplate -TemplateId 1001 -To '+14155550112' -BodyVariable 'Ann', 'ORD-1' -ErrorAction SilentlyContinue -ErrorVariable blocked
        $wa | Should -BeNullOrEmpty
        $blocked[0].FullyQualifiedErrorId | Should -BeLike 'Octopods.RecipientOptedOut,*'
        $blocked[0].Exception.Message | Should -BeLike '*opted out of WhatsApp*'
    }

    It 'shows the refusal under -WhatIf too, with no key, and offers the listed number nothing' {
        # The "What if:" lines go to the host: a fresh pwsh prints them on its output.
        $send = "'+14155550110', '+14155550111' | ForEach-Object { [pscustomobject]@{ To = `$_; Message = 'Hi' } } | Send-OctopodsSms -WhatIf -ErrorAction Continue"
        $script = "Import-Module '$Manifest'; `$env:OCTOPODS_OPTOUT_PATH = '$env:OCTOPODS_OPTOUT_PATH'; $send"
        $out = Invoke-FreshPwsh -Arguments @('-Command', $script) | Out-String
        $out | Should -Match 'What if: .*\+14155550110'
        $out | Should -Match 'RecipientOptedOut|opted out of every channel'
        $out | Should -Not -Match 'What if: .*\+14155550111'
    }

    It 'still reports a row an earlier run sent as sent, after its number opted out' {
        $journal = Join-Path $TestDrive 'resumed.jsonl'
        $row = [pscustomobject]@{ To = '+14155550115'; Message = 'Resumed sale' }
        $first = $row | Send-OctopodsSms -JournalPath $journal
        Add-OctopodsOptOut -PhoneNumber '+14155550115' -Reason 'Replied STOP after the first run'
        $again = $row | Send-OctopodsSms -JournalPath $journal -ErrorVariable afterOptOut
        $afterOptOut.Count | Should -Be 0
        $again.FromJournal | Should -BeTrue
        $again.MessageId | Should -Be $first.MessageId
        @((Get-OctopodsSendReport $journal).Outcome | ForEach-Object { "$_" }) | Should -Be @('Accepted')
        # A new message to it is refused.
        { [pscustomobject]@{ To = '+14155550115'; Message = 'Another sale' } | Send-OctopodsSms -JournalPath $journal -ErrorAction Stop } |
            Should -Throw -ErrorId 'Octopods.RecipientOptedOut*'
    }

    It 'lets the campaign job count an opted-out row apart, without failing the run' {
        $csv = Join-Path $TestDrive 'campaign/outbox.csv'
        $null = New-Item -ItemType Directory -Path (Split-Path $csv) -Force
        '+14155550116', '+14155550111' | ForEach-Object { [pscustomobject]@{ To = $_; Message = "Campaign for $_" } } | Export-Csv -LiteralPath $csv -NoTypeInformation
        $run = Invoke-OctopodsCampaign -CsvPath $csv -Sandbox -TimeoutSeconds 60 -WarningAction SilentlyContinue 6>$null
        $run.ExitCode | Should -Be 0 -Because $run.Message
        $run.OptedOut | Should -Be 1
        $run.Message | Should -BeLike '*1 opted out*'
    }
}

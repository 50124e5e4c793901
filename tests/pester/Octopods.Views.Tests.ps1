#Requires -Version 7.4
<#
    What an 80-column console and a spreadsheet show: every view the module defines (Octopods.Format.ps1xml)
    rendered at Out-String -Width 80, as a table and as a list, and Export-Csv of every result type.
    Also that Get-Error shows an Octopods error's fix (ErrorDetails.RecommendedAction).

    Module under test: see ModuleUnderTest.ps1 (-ModulePath, $env:OCTOPODS_MODULE_PATH, or out/ of this checkout).
#>
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSReviewUnusedParameter', 'ModulePath', Justification = 'Pester container data: read in BeforeAll, which the rule does not look into.')]
param(
    [string]$ModulePath
)

BeforeAll {
    . (Join-Path $PSScriptRoot 'ModuleUnderTest.ps1')
    $null = Import-OctopodsModuleUnderTest -ModulePath $ModulePath

    $script:LongReason = 'Carrier rejected the message: the number is on the network''s do-not-disturb list for promotional traffic (code 30007)'
    $script:Yesterday = [DateTimeOffset]::Now.AddDays(-1)

    # One of each output type, with a failure reason far longer than any table column.
    function New-ViewSample {
        [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseShouldProcessForStateChangingFunctions', '', Justification = 'Makes objects in memory; it changes nothing.')]
        param()
        $when = $script:Yesterday
        [Octopods.Sms.SmsSendResult]@{ MessageId = 'msg_sbx_00000001'; PhoneNumber = '+447911123456'; Status = 'Undelivered'; Segments = 2; Encoding = 'UCS-2'; FailureReason = $script:LongReason; LastUpdated = $when }
        [Octopods.Sms.SmsStatus]@{ MessageId = 'msg_sbx_00000002'; Status = 'Undelivered'; PhoneNumber = '+447911123456'; LastUpdated = $when; FailureReason = $script:LongReason }
        [Octopods.WhatsApp.WhatsAppSendResult]@{ MessageId = 'msg_sbx_00000003'; TemplateId = '1001'; PhoneNumber = '+447911123456'; Status = 'Failed'; FailureReason = $script:LongReason; LastUpdated = $when }
        [Octopods.WhatsApp.WhatsAppStatus]@{ MessageId = 'msg_sbx_00000004'; Status = 'Failed'; PhoneNumber = '+447911123456'; LastUpdated = $when; FailureReason = $script:LongReason }
        [Octopods.WhatsApp.WhatsAppMessage]@{ MessageId = 'msg_sbx_00000005'; Status = 'Failed'; PhoneNumber = '+447911123456'; SentAt = $when; FailureReason = $script:LongReason; Content = 'Hi Sam' }
        [Octopods.Viber.ViberSendResult]@{ MessageId = 'msg_sbx_00000006'; TemplateId = '2001'; PhoneNumber = '+447911123456'; RequestId = 'req_0f8fad5b-d9cb-469f-a165-70867728950e' }
        [Octopods.Templates.MessageTemplate]@{ TemplateId = '1002'; Name = 'appointment_reminder'; Language = 'en_GB'; Status = 'accepted'; HeaderFormat = 'DOCUMENT'; HeaderVariables = 1; BodyVariables = 3; FooterVariables = 1; ButtonVariables = 2 }
        [Octopods.Bulk.BulkSummary]@{ Command = 'Send-OctopodsWhatsAppTemplate'; Rows = 10000; Sent = 9990; Failed = 10; Elapsed = [timespan]::FromSeconds(5.6104); LearnedRatePerSecond = 17.8333 }
        [Octopods.Bulk.SendReportRow]@{ RowKey = 'row:000042'; Channel = 'Sms'; Destination = '+447911123456'; MessageId = 'msg_sbx_00000007'; Outcome = 'Accepted'; Status = 'Undelivered'; FailureReason = $script:LongReason; LastUpdated = $when }
        [Octopods.OptOuts.OptOutEntry]@{ PhoneNumber = '+447911123456'; Channel = 'WhatsApp'; OptedOutAt = $when; Source = 'manual'; Reason = $script:LongReason }
        Get-OctopodsConfiguration
        Measure-OctopodsSms -Body 'Zażółć gęślą jaźń 🚚'
        Connect-Octopods -Sandbox
        Get-OctopodsConnection
    }

    # The column names a type's table view promises.
    function Get-ViewColumn([string]$TypeName) {
        $view = (Get-FormatData -TypeName $TypeName -PowerShellVersion $PSVersionTable.PSVersion).FormatViewDefinition |
            Where-Object { $_.Control -is [System.Management.Automation.TableControl] }
        @($view.Control.Headers.Label)
    }

    function Assert-FitsEighty([string]$Text, [string]$What) {
        foreach ($line in $Text -split '\r?\n') {
            $line.TrimEnd().Length | Should -BeLessOrEqual 80 -Because "$What at 80 columns: '$line'"
        }
    }
}

AfterAll {
    if (Get-Command -Name Disconnect-Octopods -ErrorAction SilentlyContinue) { Disconnect-Octopods }
    Get-Module -Name Octopods | Remove-Module -Force
}

Describe 'Views at 80 columns' {
    BeforeAll {
        $script:Samples = @(New-ViewSample)
        $script:Tabled = @(Get-FormatData -TypeName 'Octopods.*' -PowerShellVersion $PSVersionTable.PSVersion |
                Where-Object { $_.FormatViewDefinition.Control | Where-Object { $_ -is [System.Management.Automation.TableControl] } } |
                ForEach-Object TypeNames)
    }

    It 'covers every type the module has a view for' {
        $viewed = @(Get-FormatData -TypeName 'Octopods.*' -PowerShellVersion $PSVersionTable.PSVersion | ForEach-Object TypeNames | Sort-Object -Unique)
        $sampled = @($script:Samples | ForEach-Object { $_.GetType().FullName } | Sort-Object -Unique)
        ($sampled -join ', ') | Should -Be ($viewed -join ', ')
        $viewed.Count | Should -Be 13
    }

    It 'shows <_> as a table with every header whole on one line' -ForEach @(
        'Octopods.Sms.SmsSendResult', 'Octopods.Sms.SmsStatus', 'Octopods.Sms.SmsSegmentInfo', 'Octopods.PowerShell.OctopodsConnection',
        'Octopods.WhatsApp.WhatsAppSendResult', 'Octopods.WhatsApp.WhatsAppStatus', 'Octopods.WhatsApp.WhatsAppMessage',
        'Octopods.Templates.MessageTemplate', 'Octopods.Viber.ViberSendResult', 'Octopods.Bulk.SendReportRow', 'Octopods.OptOuts.OptOutEntry'
    ) {
        $typeName = $_
        $typeName | Should -BeIn $script:Tabled
        $objects = @($script:Samples | Where-Object { $_.GetType().FullName -eq $typeName })
        $text = $objects | Format-Table | Out-String -Width 80
        Assert-FitsEighty $text $typeName

        $lines = @($text -split '\r?\n' | Where-Object { $_.Trim() })
        # The header is one line, right above the dashes: no name broken over several lines.
        $lines[1] | Should -Match '^[- ]+$'
        $header = $lines[0]
        $columns = Get-ViewColumn $typeName
        $columns.Count | Should -BeGreaterOrEqual 4
        foreach ($column in $columns) {
            $header | Should -Match "(^|\s)$([regex]::Escape($column))(\s|$)" -Because "the $column header of $typeName"
        }
        (-split $header).Count | Should -Be $columns.Count
        $lines.Count | Should -Be (2 + $objects.Count)
    }

    It 'cuts a long failure reason in the <_> table and shows it whole in Format-List' -ForEach @(
        'Octopods.Sms.SmsSendResult', 'Octopods.Sms.SmsStatus', 'Octopods.WhatsApp.WhatsAppSendResult',
        'Octopods.WhatsApp.WhatsAppStatus', 'Octopods.WhatsApp.WhatsAppMessage'
    ) {
        $typeName = $_
        $object = $script:Samples | Where-Object { $_.GetType().FullName -eq $typeName }
        $table = $object | Out-String -Width 80
        $row = ($table -split '\r?\n' | Where-Object { $_ -like '*msg_sbx_*' })
        $row | Should -Match 'Carrier rejected.*…$'
        $row | Should -Not -Match 'code 30007'

        $list = $object | Format-List | Out-String -Width 80
        Assert-FitsEighty $list $typeName
        ($list -replace '\s') | Should -BeLike "*$($script:LongReason -replace '\s')*"
        $list | Should -Not -Match 'RawResponse'

        # In a wider window the column grows with it: the whole reason on the row.
        $wide = ($object | Out-String -Width 250) -split '\r?\n' | Where-Object { $_ -like '*msg_sbx_*' }
        $wide | Should -BeLike "*$($script:LongReason)*"
    }

    It 'shows times as short local times: HH:mm:ss today, yyyy-MM-dd HH:mm before' {
        $status = $script:Samples | Where-Object { $_ -is [Octopods.Sms.SmsStatus] }
        $status | Out-String -Width 80 | Should -Match ([regex]::Escape($script:Yesterday.LocalDateTime.ToString('yyyy-MM-dd HH:mm', [cultureinfo]::InvariantCulture)))
        $status.LastUpdated = [DateTimeOffset]::Now
        $status | Out-String -Width 80 | Should -Match ([regex]::Escape($status.LastUpdated.LocalDateTime.ToString('HH:mm:ss', [cultureinfo]::InvariantCulture)) + ' ')
        $status.LastUpdated = $script:Yesterday

        $connection = $script:Samples | Where-Object { $_ -is [Octopods.PowerShell.OctopodsConnection] } | Select-Object -First 1
        $connection | Out-String -Width 80 | Should -Match ([regex]::Escape($connection.ConnectedAt.LocalDateTime.ToString('HH:mm:ss', [cultureinfo]::InvariantCulture)))
    }

    It 'shows the template variables of every part, buttons included' {
        $template = $script:Samples | Where-Object { $_ -is [Octopods.Templates.MessageTemplate] }
        $row = ($template | Out-String -Width 80) -split '\r?\n' | Where-Object { $_ -like '1002 *' }
        $row | Should -Match 'DOCUMENT +H1 B3 F1 Btn2$'
    }

    It 'shows the bulk run summary as a list with a rounded rate and the elapsed time as text' {
        $summary = $script:Samples | Where-Object { $_ -is [Octopods.Bulk.BulkSummary] }
        $text = $summary | Out-String -Width 80
        Assert-FitsEighty $text 'BulkSummary'
        $text | Should -Match '(?m)^RatePerSecond +: 1780\.6\s*$'
        $text | Should -Match '(?m)^LearnedRatePerSecond +: 17\.8\s*$'
        $text | Should -Match '(?m)^Elapsed +: 00:00:05\.6\s*$'
        $text | Should -Match '(?m)^Command +: Send-OctopodsWhatsAppTemplate\s*$'
        $summary.Elapsed = [timespan]::FromHours(26.5)
        $summary | Out-String -Width 80 | Should -Match '(?m)^Elapsed +: 1\.02:30:00\.0\s*$'
    }

    It 'writes the summary of a real run to the information stream, shown by the same view' {
        Connect-Octopods -Sandbox
        $null = 1..3 | ForEach-Object { [pscustomobject]@{ To = "+1415555010$_"; Message = "m $_" } } | Send-OctopodsSms -InformationVariable info
        $summary = @($info | Where-Object { $_.MessageData -is [Octopods.Bulk.BulkSummary] })[0].MessageData
        $text = $summary | Out-String -Width 80
        $text | Should -Match '(?m)^Sent +: 3\s*$'
        $text | Should -Match '(?m)^RatePerSecond +: \d+(\.\d)?\s*$'
        $text | Should -Match '(?m)^Elapsed +: \d\d:\d\d:\d\d\.\d\s*$'
    }
}

Describe 'Export-Csv of results' {
    BeforeAll {
        Connect-Octopods -Sandbox
        # Real results: each holds the service's answer, which must stay out of the report.
        $script:Real = @(
            Send-OctopodsSms -To '+14155552671' -Body 'Your order has shipped.' -Wait
            Send-OctopodsSms -To '+15005550001' -Body 'Your order has shipped.' -Wait
            Send-OctopodsWhatsAppTemplate -To '+14155552671' -TemplateId 1001 -BodyVariable 'Sam', 'ORD-1' -Wait
            Send-OctopodsViberTemplate -To '+14155552671' -TemplateId 2001 -BodyVariable 'Sam', 'ORD-1'
            Get-OctopodsWhatsAppMessage -First 2
            Get-OctopodsWhatsAppTemplate
            Get-OctopodsViberTemplate
            Measure-OctopodsSms -Body 'Zażółć 🚚'
            Get-OctopodsConnection
        )
        $script:Real += Get-OctopodsSmsStatus -MessageId ($script:Real | Where-Object { $_ -is [Octopods.Sms.SmsSendResult] } | Select-Object -First 1).MessageId
        $script:Real += Get-OctopodsWhatsAppStatus -MessageId ($script:Real | Where-Object { $_ -is [Octopods.WhatsApp.WhatsAppSendResult] }).MessageId
        $script:Real += [Octopods.Bulk.BulkSummary]@{ Command = 'Send-OctopodsSms'; Rows = 2; Sent = 2; Elapsed = [timespan]::FromSeconds(1.5) }
    }

    It 'gives flat columns for <_>' -ForEach @(
        'Octopods.Sms.SmsSendResult', 'Octopods.Sms.SmsStatus', 'Octopods.Sms.SmsSegmentInfo', 'Octopods.PowerShell.OctopodsConnection',
        'Octopods.WhatsApp.WhatsAppSendResult', 'Octopods.WhatsApp.WhatsAppStatus', 'Octopods.WhatsApp.WhatsAppMessage',
        'Octopods.Templates.MessageTemplate', 'Octopods.Viber.ViberSendResult', 'Octopods.Bulk.BulkSummary'
    ) {
        $typeName = $_
        $objects = @($script:Real | Where-Object { $_.GetType().FullName -eq $typeName })
        $objects | Should -Not -BeNullOrEmpty
        $path = Join-Path $TestDrive "$typeName.csv"
        $objects | Export-Csv -LiteralPath $path
        $text = Get-Content -LiteralPath $path -Raw
        $text | Should -Not -Match 'RawResponse|Components'
        # No type name where a value should be (System.String[], a nested Octopods object); a template
        # body's {{1}} is text, so JSON is looked for per cell below.
        $text | Should -Not -Match 'System\.[\w.]+(\[\]|`\d)|Octopods\.\w+\.\w+'
        $rows = @(Import-Csv -LiteralPath $path)
        $rows.Count | Should -Be $objects.Count
        foreach ($row in $rows) {
            foreach ($property in $row.PSObject.Properties) {
                # JSON, not a template's "{{1}}, ..." text.
                $isJson = $property.Value -match '^\s*[\[{]' -and $(try { $null = $property.Value | ConvertFrom-Json -ErrorAction Stop; $true } catch { $false })
                $isJson | Should -BeFalse -Because "$typeName.$($property.Name) is a spreadsheet cell: $($property.Value)"
            }
        }
        # Format-List * leaves the raw answer out too.
        $objects | Format-List -Property * | Out-String -Width 200 | Should -Not -Match 'RawResponse|"request_id"'
    }

    It 'keeps the raw answer reachable with GetRawResponse()' {
        foreach ($result in $script:Real | Where-Object { $_.PSObject.Methods['GetRawResponse'] }) {
            $raw = $result.GetRawResponse()
            $raw | Should -Not -BeNullOrEmpty -Because $result.GetType().Name
            { $raw | ConvertFrom-Json } | Should -Not -Throw
        }
        @($script:Real | Where-Object { $_.PSObject.Methods['GetRawResponse'] }).Count | Should -BeGreaterOrEqual 10
        $template = $script:Real | Where-Object { $_ -is [Octopods.Templates.MessageTemplate] -and $_.TemplateId -eq '1002' }
        $template.GetComponents() | Should -Match '"HEADER"'
    }

    It 'writes the characters that forced UCS-2 as text' {
        $path = Join-Path $TestDrive 'measure.csv'
        $script:Real | Where-Object { $_ -is [Octopods.Sms.SmsSegmentInfo] } | Export-Csv -LiteralPath $path
        (Import-Csv -LiteralPath $path).UnicodeCharacters | Should -Be 'ż ó ł ć 🚚'
    }
}

Describe 'Get-Error shows the fix, and the error view prints it once' {
    BeforeEach { Connect-Octopods -Sandbox }

    It 'shows RecommendedAction for <Name>' -ForEach @(
        @{
            Name    = 'PhoneInvalid'
            Command = { Send-OctopodsSms -To '+19990000000' -Body 'hi' }
            Fix     = 'Check the digits after the country code; write it in E.164 form such as +14155552671.'
        }
        @{
            Name    = 'DeprecatedApiKey'
            Command = {
                Connect-Octopods -Sandbox -ApiKey ([System.Net.NetworkCredential]::new('', 'sandbox-deprecated-key').SecurePassword)
                Send-OctopodsSms -To '+14155552671' -Body 'hi'
            }
            Fix     = 'The key is from an older format: copy the current key from the channel''s settings screen in the Octopods app and connect again (Connect-Octopods -ApiKey).'
        }
    ) {
        # As at a console: the error is written, not thrown (the suite may run with Stop).
        $ErrorActionPreference = 'Continue'
        $failure = @(& $Command 2>&1 | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })[0]
        $failure.FullyQualifiedErrorId | Should -BeLike "Octopods.$Name,*"
        $failure.ErrorDetails.RecommendedAction | Should -BeExactly $Fix
        # The message users grep ends with the fix; the text shown stops before it.
        $failure.Exception.Message | Should -BeLike "*$Fix"
        "$failure" | Should -Not -BeLike "*$Fix*"
        $failure.Exception.Message | Should -BeExactly ("$failure " + $Fix)

        # The console's error view gives the fix a line of its own, from RecommendedAction: once.
        $view = $failure | Out-String -Width 4096
        $view | Should -Match "(?m)^\s*Recommendation: $([regex]::Escape($Fix))\s*$"
        ([regex]::Matches($view, [regex]::Escape($Fix))).Count | Should -Be 1
        # Get-Error shows the record's details, the fix among them.
        $shown = $failure | Get-Error | Out-String -Width 4096
        $shown | Should -Match "FullyQualifiedErrorId\s*:\s*Octopods\.$Name,"
        $shown | Should -Match "Fix\s*:\s*$([regex]::Escape($Fix))"
    }
}

#Requires -Version 7.4
<#
    Pester 5 journeys for the SMS commands against the built module and its sandbox, on real pwsh:
    the parts the hosted-engine xunit tests cannot reach (Import-Csv / Export-Csv files, Out-String,
    stream redirection, -Debug).

    Module under test: see ModuleUnderTest.ps1 (-ModulePath, $env:OCTOPODS_MODULE_PATH, or out/ of this checkout).
#>
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSAvoidUsingConvertToSecureStringWithPlainText', '', Justification = 'Throwaway test keys and store passwords, made up in this file.')]
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSReviewUnusedParameter', 'ModulePath', Justification = 'Pester container data: read in BeforeAll, which the rule does not look into.')]
param(
    [string]$ModulePath
)

BeforeAll {
    . (Join-Path $PSScriptRoot 'ModuleUnderTest.ps1')
    $script:ManifestData = (Import-OctopodsModuleUnderTest -ModulePath $ModulePath).SourceManifestData

    # The sandbox's documented fates (about_Octopods_Sandbox).
    $script:FailingNumber = '+15005550001'
    $script:DeliveredNumber = '+14155552671'
}

AfterAll {
    if (Get-Command -Name Disconnect-Octopods -ErrorAction SilentlyContinue) { Disconnect-Octopods }
    Get-Module -Name Octopods | Remove-Module -Force
}

Describe 'The Octopods module' {
    It 'exports exactly the cmdlets and the function the manifest lists' {
        $expected = @(@($script:ManifestData.CmdletsToExport) + @($script:ManifestData.FunctionsToExport) | Sort-Object)
        $exported = @((Get-Command -Module Octopods).Name | Sort-Object)
        @($script:ManifestData.FunctionsToExport) | Should -Be @('Invoke-OctopodsCampaign')

        $expected | Should -Not -BeNullOrEmpty
        ($exported -join ', ') | Should -BeExactly ($expected -join ', ')
        (Get-Module -Name Octopods).Version | Should -Be ([version]$script:ManifestData.ModuleVersion)
    }
}

Describe 'Send-OctopodsSms in the sandbox' {
    BeforeEach {
        Disconnect-Octopods
        Connect-Octopods -Sandbox
    }

    Context 'bulk from a CSV file' {
        BeforeAll {
            $script:Csv = Join-Path $TestDrive 'customers.csv'
            @(
                [pscustomobject]@{ To = '+14155550100'; Message = 'Hi Ann, your order has shipped.'; Name = 'Ann' }
                [pscustomobject]@{ To = '4155550101'; Message = 'Hi Bob, your order has shipped.'; Name = 'Bob' }      # not E.164
                [pscustomobject]@{ To = '+14155550102'; Message = 'Hi Cat, your order has shipped.'; Name = 'Cat' }
                [pscustomobject]@{ To = '+14155550103'; Message = ''; Name = 'Dan' }                                   # blank message
                [pscustomobject]@{ To = '+14155550104'; Message = 'Hi Eve, your order has shipped.'; Name = 'Eve' }
            ) | Export-Csv -LiteralPath $script:Csv -NoTypeInformation
        }

        It 'sends the good rows and reports each bad row as a named error targeting that row' {
            $results = @(Import-Csv -LiteralPath $script:Csv | Send-OctopodsSms -ErrorVariable errs -ErrorAction SilentlyContinue)

            $results | Should -HaveCount 3
            $results.PhoneNumber | Should -Be @('+14155550100', '+14155550102', '+14155550104')
            $results.DestinationUserName | Should -Be @('Ann', 'Cat', 'Eve')
            foreach ($result in $results) {
                $result | Should -BeOfType ([Octopods.Sms.SmsSendResult])
                $result.MessageId | Should -Not -BeNullOrEmpty
                $result.Encoding | Should -Be 'GSM-7'
                $result.Segments | Should -Be 1
            }

            $errs | Should -HaveCount 2
            $errs[0].FullyQualifiedErrorId | Should -BeLike 'Octopods.PhoneInvalid*'
            $errs[0].CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::InvalidArgument)
            $errs[0].TargetObject.Name | Should -Be 'Bob'
            $errs[0].TargetObject.To | Should -Be '4155550101'
            $errs[0].ErrorDetails.RecommendedAction | Should -Match '-DefaultRegion'

            $errs[1].FullyQualifiedErrorId | Should -BeLike 'Octopods.BodyEmpty*'
            $errs[1].TargetObject.Name | Should -Be 'Dan'
            $errs[1].TargetObject.To | Should -Be '+14155550103'
        }

        It 'validates every row with -WhatIf but sends nothing and writes no output' {
            $output = @(Import-Csv -LiteralPath $script:Csv | Send-OctopodsSms -WhatIf -ErrorVariable errs -ErrorAction SilentlyContinue)

            $output | Should -HaveCount 0
            $errs | Should -HaveCount 2
        }
    }

    It 'binds snake_case columns, including open_intercom_conversation as true/false text' {
        $csv = Join-Path $TestDrive 'snake.csv'
        @(
            [pscustomobject]@{ destination_phone = '+14155550110'; body = 'Snake one'; destination_user_name = 'Sam'; open_intercom_conversation = 'true' }
            [pscustomobject]@{ destination_phone = '+14155550111'; body = 'Snake two'; destination_user_name = 'Sue'; open_intercom_conversation = 'false' }
        ) | Export-Csv -LiteralPath $csv -NoTypeInformation

        # -Debug shows each request body (key redacted): proof the flags reached the API.
        $all = @(Import-Csv -LiteralPath $csv | Send-OctopodsSms -Debug 5>&1)
        $results = @($all | Where-Object { $_ -is [Octopods.Sms.SmsSendResult] })
        $exchanges = @($all | Where-Object { $_ -is [System.Management.Automation.DebugRecord] } | ForEach-Object Message)

        $results | Should -HaveCount 2
        $results.PhoneNumber | Should -Be @('+14155550110', '+14155550111')
        $results.DestinationUserName | Should -Be @('Sam', 'Sue')
        $first = @($exchanges | Where-Object { $_ -like '*Snake one*' })
        $second = @($exchanges | Where-Object { $_ -like '*Snake two*' })
        $first | Should -HaveCount 1
        $second | Should -HaveCount 1
        $first[0] | Should -BeLike '*"open_intercom_conversation":true*'
        $second[0] | Should -BeLike '*"open_intercom_conversation":false*'
    }

    It 'follows CSV rows to Delivered, and to Failed for the sandbox failing number, with -Wait' {
        $csv = Join-Path $TestDrive 'wait.csv'
        @(
            [pscustomobject]@{ To = $script:DeliveredNumber; Message = 'This one arrives.'; Name = 'Ann' }
            [pscustomobject]@{ To = $script:FailingNumber; Message = 'This one fails.'; Name = 'Bob' }
        ) | Export-Csv -LiteralPath $csv -NoTypeInformation

        $results = @(Import-Csv -LiteralPath $csv | Send-OctopodsSms -Wait)

        $results | Should -HaveCount 2
        $results[0].PhoneNumber | Should -Be $script:DeliveredNumber
        $results[0].Status | Should -Be 'Delivered'
        $results[0].IsTerminal | Should -BeTrue
        $results[0].DeliveredAt | Should -Not -BeNullOrEmpty
        $results[1].PhoneNumber | Should -Be $script:FailingNumber
        $results[1].Status | Should -Be 'Failed'
        $results[1].IsTerminal | Should -BeTrue
        $results[1].FailureReason | Should -Match 'not a valid mobile subscriber'
    }

    It 'writes nothing with -WhatIf' {
        $output = @(Send-OctopodsSms -To $script:DeliveredNumber -Body 'Not sent' -WhatIf)

        $output | Should -HaveCount 0
    }

    It 'sends one message per number of -To, in order, a bad number being its own named error' {
        $onCall = '+14155550101', 'nonsense', '+14155550102'
        $results = @(Send-OctopodsSms -To $onCall -Body 'Disk full on db1' -ErrorVariable errs -ErrorAction SilentlyContinue)

        ($results.PhoneNumber -join ',') | Should -BeExactly '+14155550101,+14155550102'
        @($results.MessageId | Sort-Object -Unique) | Should -HaveCount 2
        $errs | Should -HaveCount 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'Octopods.PhoneInvalid,*'
        $errs[0].TargetObject | Should -BeExactly 'nonsense'
        "$($errs[0])" | Should -Match "'nonsense'"
    }

    It 'takes several numbers from a piped row: an array property, or a CSV cell split at ; and ,' {
        $csv = Join-Path $TestDrive 'on-call.csv'
        @(
            [pscustomobject]@{ To = '+14155550111;+14155550112'; Message = 'from a cell' }
            [pscustomobject]@{ To = '+14155550113, +14155550114'; Message = 'commas too' }
        ) | Export-Csv -LiteralPath $csv -NoTypeInformation
        $rows = @([pscustomobject]@{ To = @('+14155550115', '+14155550116'); Message = 'from an array' }) + @(Import-Csv -LiteralPath $csv)

        $results = @($rows | Send-OctopodsSms)

        ($results.PhoneNumber -join ',') | Should -BeExactly '+14155550115,+14155550116,+14155550111,+14155550112,+14155550113,+14155550114'
    }

    It 'follows every number of a list with -Wait' {
        $results = @(Send-OctopodsSms -To $script:DeliveredNumber, $script:FailingNumber -Body 'Disk full on db1' -Wait -PollIntervalSeconds 0.2 -TimeoutSeconds 60)

        ($results.PhoneNumber -join ',') | Should -BeExactly "$script:DeliveredNumber,$script:FailingNumber"
        ($results.Status -join ',') | Should -BeExactly 'Delivered,Failed'
    }

    It 'converts a national number with -DefaultRegion' {
        $result = Send-OctopodsSms -To '(415) 555-2671' -Body 'Hi' -DefaultRegion US

        $result.PhoneNumber | Should -Be '+14155552671'
    }
}

Describe 'Get-OctopodsSmsStatus in the sandbox' {
    BeforeAll {
        Disconnect-Octopods
        Connect-Octopods -Sandbox
    }

    It 'follows piped Send-OctopodsSms results to their final status with -Wait' {
        $sent = @(
            Send-OctopodsSms -To $script:DeliveredNumber -Body 'Status one'
            Send-OctopodsSms -To $script:FailingNumber -Body 'Status two'
        )
        $sent | Should -HaveCount 2
        $sent.Status | Where-Object { $_ } | Should -BeNullOrEmpty   # not followed yet

        $statuses = @($sent | Get-OctopodsSmsStatus -Wait)

        $statuses | Should -HaveCount 2
        $statuses[0] | Should -BeOfType ([Octopods.Sms.SmsStatus])
        $statuses.MessageId | Should -Be $sent.MessageId
        $statuses[0].Status | Should -Be 'Delivered'
        $statuses[1].Status | Should -Be 'Failed'
        $statuses.IsTerminal | Should -Be @($true, $true)
    }
}

Describe 'Measure-OctopodsSms' {
    It 'bills 161 GSM-7 characters as 2 segments' {
        $measure = Measure-OctopodsSms -Body ('a' * 161)

        $measure.Encoding | Should -Be 'GSM-7'
        $measure.Characters | Should -Be 161
        $measure.Segments | Should -Be 2
    }

    It 'switches a text with an emoji to UCS-2 and names the emoji' {
        $emoji = [char]::ConvertFromUtf32(0x1F69A)   # written as a code point so the file stays ASCII
        $measure = "Your parcel is on its way $emoji" | Measure-OctopodsSms

        $measure.Encoding | Should -Be 'UCS-2'
        $measure.Segments | Should -Be 1
        @($measure.UnicodeCharacters) | Should -HaveCount 1
        $measure.UnicodeCharacters[0] | Should -Be $emoji
    }
}

Describe 'Keeping the API key secret' {
    BeforeAll {
        # A key made at run time: its random part appears in no source line, so an ErrorRecord that
        # carries its command's line (and so a variable's name) cannot match, and the key itself can.
        $script:Sentinel = 'sk_live_' + [guid]::NewGuid().ToString('N')
        $script:SentinelKey = ConvertTo-SecureString -String $script:Sentinel -AsPlainText -Force
        # Enough of the key to catch a partial leak (a key cut short, or split across lines).
        $script:KeyPart = $script:Sentinel.Substring(8, 12)
        # A service that echoes the key it refused ("Invalid API key <key>"), on loopback.
        $script:EchoServer = Start-OctopodsTestServer -Fault EchoKey
    }

    AfterAll {
        Disconnect-Octopods
        Stop-OctopodsTestServer $script:EchoServer
    }

    It 'never writes the key to output, error, warning, verbose or debug streams' {
        $key = $script:SentinelKey
        $captured = @(& {
                $ErrorActionPreference = 'Continue'
                Connect-Octopods -Sandbox -ApiKey $key -PassThru -Verbose -Debug
                $sent = Send-OctopodsSms -To '+14155552671' -Body 'hello' -Verbose -Debug
                $sent
                $sent | Get-OctopodsSmsStatus -Wait -Verbose -Debug
                Send-OctopodsSms -To '+15005550001' -Body 'fails later' -Wait -Verbose -Debug
                Send-OctopodsSms -To '+15005550003' -Body 'provider error' -Verbose -Debug
                Send-OctopodsSms -To '+15005550004' -Body 'stays queued' -Wait -TimeoutSeconds 5 -Verbose -Debug
                Send-OctopodsSms -To 'nonsense' -Body 'rejected' -Verbose -Debug
                Get-OctopodsSmsStatus -MessageId 'msg_nope' -Verbose -Debug
                # Terminating: inside Pester's try it would end the block, so it is kept as a record.
                try { Send-OctopodsSms -To '+14155552671' -Body 'x' -ApiKey $key -BaseUri 'http://example.com' -Verbose -Debug } catch { $_ }
                Send-OctopodsSms -To '+14155552671' -Body 'echoed' -ApiKey $key -BaseUri $script:EchoServer.Uri -Verbose -Debug
                Get-OctopodsSmsStatus -MessageId 'msg_sbx_00000001' -ApiKey $key -BaseUri $script:EchoServer.Uri -Verbose -Debug
                Get-OctopodsConnection -Verbose -Debug
            } *>&1)

        # The capture really holds every kind of record the check is about.
        $captured | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] } | Should -Not -BeNullOrEmpty
        $captured | Where-Object { $_ -is [System.Management.Automation.WarningRecord] } | Should -Not -BeNullOrEmpty
        $captured | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | Should -Not -BeNullOrEmpty
        $captured | Where-Object { $_ -is [System.Management.Automation.DebugRecord] } | Should -Not -BeNullOrEmpty
        $captured | Where-Object { $_ -is [Octopods.Sms.SmsSendResult] } | Should -Not -BeNullOrEmpty
        $debugText = ($captured | Where-Object { $_ -is [System.Management.Automation.DebugRecord] } | ForEach-Object Message) -join "`n"
        $debugText | Should -Match ([regex]::Escape('X-Octopods-Auth: ***'))   # the header is logged, redacted
        # The service's echo of the key reached the logs and the errors, redacted there.
        $debugText | Should -Match ([regex]::Escape('Invalid API key ***'))
        $captured | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] -and "$_" -like '*Invalid API key ***' } | Should -Not -BeNullOrEmpty

        $text = foreach ($item in $captured) {
            $item | Out-String -Width 4096
            $item | Format-List -Property * -Force | Out-String -Width 4096
            if ($item -is [System.Management.Automation.InformationalRecord]) {
                $item.Message
            }
            elseif ($item -isnot [System.Management.Automation.ErrorRecord]) {
                # What Export-Clixml or a remote session would carry, and the raw answer kept off the properties.
                [System.Management.Automation.PSSerializer]::Serialize($item, 3)
                if ($item.PSObject.Methods['GetRawResponse']) { $item.GetRawResponse() }
            }
            else {
                $item.Exception.ToString()
                "$($item.ErrorDetails)"
                if ($item.ErrorDetails) { $item.ErrorDetails.RecommendedAction }
                $item.TargetObject | Out-String -Width 4096
            }
        }
        $text = $text -join "`n"

        $text | Should -Not -BeNullOrEmpty
        $text | Should -Not -BeLike "*$($script:Sentinel)*"
        $text | Should -Not -BeLike "*$($script:KeyPart)*"
    }

    It 'shows the key source in Get-OctopodsConnection, never the key' {
        Connect-Octopods -Sandbox -ApiKey $script:SentinelKey

        $connection = Get-OctopodsConnection -Channel Sms

        $connection | Should -HaveCount 1
        $connection.KeySource | Should -Be 'Session'
        $connection.Sandbox | Should -BeTrue
        ($connection.PSObject.Properties.Name | Sort-Object) -join ', ' | Should -Be 'BaseUri, Channel, ConnectedAt, KeySource, Sandbox, SecretName, Vault'
        ($connection | Format-List -Property * -Force | Out-String) | Should -Not -BeLike "*$($script:KeyPart)*"
        [System.Management.Automation.PSSerializer]::Serialize($connection, 3) | Should -Not -BeLike "*$($script:KeyPart)*"
    }

    It 'refuses an http:// base address to a host that is not loopback' {
        $caught = $null
        try {
            Connect-Octopods -ApiKey $script:SentinelKey -BaseUri 'http://app.octopods.io' -ErrorAction Stop
        }
        catch {
            $caught = $_
        }

        $caught | Should -Not -BeNullOrEmpty
        $caught.FullyQualifiedErrorId | Should -BeLike 'Octopods.InsecureBaseUri*'
        $caught.CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::InvalidArgument)
        $caught | Out-String | Should -Not -BeLike "*$($script:KeyPart)*"
    }
}

Describe 'Hostile text and a removed module' {
    It 'refuses a body with a NUL or an escape, naming the row, and sends the others' {
        Connect-Octopods -Sandbox
        $rows = @(
            [pscustomobject]@{ To = '+14155552671'; Message = "Your code is 1234$([char]0)" }
            [pscustomobject]@{ To = '+14155552672'; Message = "$([char]27)[31mSale$([char]27)[0m today" }
            [pscustomobject]@{ To = '+14155552673'; Message = "Line one`r`nLine two" }
        )
        $sent = @($rows | Send-OctopodsSms -ErrorVariable refused -ErrorAction SilentlyContinue)
        $sent.PhoneNumber | Should -Be '+14155552673'
        $refused | Should -HaveCount 2
        $refused | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeLike 'Octopods.BodyControlCharacter*' }
        $refused[1].TargetObject.To | Should -Be '+14155552672'
    }

    It 'forgets the session''s connections when the module is removed' {
        Connect-Octopods -Sandbox
        (Get-OctopodsConnection -Channel Sms).KeySource | Should -Be 'Session'
        $manifest = Join-Path (Get-Module Octopods).ModuleBase 'Octopods.psd1'
        Remove-Module Octopods -Force
        Import-Module $manifest -Force
        @(Get-OctopodsConnection -Channel Sms | Where-Object KeySource -EQ 'Session') | Should -HaveCount 0
    }
}

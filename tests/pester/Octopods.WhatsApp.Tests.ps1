#Requires -Version 7.4
<#
    Pester 5 journeys for the WhatsApp and Viber template commands against the built module and its
    sandbox, on real pwsh: a CSV file of orders read with Import-Csv and sent as WhatsApp templates
    with -BodyVariableProperty and -Wait, results written back with Export-Csv, and a Viber send.
    The seeded templates and magic numbers are those of about_Octopods_Sandbox.

    Module under test: see ModuleUnderTest.ps1 (-ModulePath, $env:OCTOPODS_MODULE_PATH, or out/ of this checkout).
#>
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSReviewUnusedParameter', 'ModulePath', Justification = 'Pester container data: read in BeforeAll, which the rule does not look into.')]
param(
    [string]$ModulePath
)

BeforeAll {
    . (Join-Path $PSScriptRoot 'ModuleUnderTest.ps1')
    $null = Import-OctopodsModuleUnderTest -ModulePath $ModulePath

    # The sandbox's documented WhatsApp fates and templates (about_Octopods_Sandbox).
    $script:FailingNumber = '+15005550001'    # ends Failed: not a WhatsApp user
    $script:ReadNumber = '+15005550002'       # ends Read at once
    $script:OrderShipped = '1001'             # body: Hi {{1}}, your order {{2}} has shipped.
    $script:Reminder = '1002'                 # text header {{1}}, body {{1}} {{2}} {{3}}
    $script:ViberDelivery = '2003'            # header {{1}}, body {{1}} {{2}}, footer {{1}}
}

AfterAll {
    if (Get-Command -Name Disconnect-Octopods -ErrorAction SilentlyContinue) { Disconnect-Octopods }
    Get-Module -Name Octopods | Remove-Module -Force
}

Describe 'Send-OctopodsWhatsAppTemplate in the sandbox' {
    BeforeEach {
        Disconnect-Octopods
        Connect-Octopods -Sandbox
    }

    Context 'a CSV file of orders' {
        BeforeAll {
            $script:Orders = Join-Path $TestDrive 'orders.csv'
            @(
                [pscustomobject]@{ Phone = '+14155550101'; FirstName = 'Ann'; OrderId = 'ORD-1001' }
                [pscustomobject]@{ Phone = $script:FailingNumber; FirstName = 'Bob'; OrderId = 'ORD-1002' }
                [pscustomobject]@{ Phone = '4155550103'; FirstName = 'Cat'; OrderId = 'ORD-1003' }      # not E.164
                [pscustomobject]@{ Phone = $script:ReadNumber; FirstName = 'Dan'; OrderId = 'ORD-1004' }
            ) | Export-Csv -LiteralPath $script:Orders -NoTypeInformation
        }

        It 'sends each row in one invocation with its columns as body variables and follows it with -Wait' {
            $results = @(Import-Csv -LiteralPath $script:Orders |
                    Send-OctopodsWhatsAppTemplate -TemplateId $script:OrderShipped -BodyVariableProperty FirstName, OrderId -Wait `
                        -ErrorVariable errs -ErrorAction SilentlyContinue)

            $results | Should -HaveCount 3
            foreach ($result in $results) {
                $result | Should -BeOfType ([Octopods.WhatsApp.WhatsAppSendResult])
                $result.MessageId | Should -Not -BeNullOrEmpty
                $result.TemplateId | Should -Be $script:OrderShipped
                $result.IsTerminal | Should -BeTrue
            }
            $results.PhoneNumber | Should -Be @('+14155550101', $script:FailingNumber, $script:ReadNumber)
            $results.Status | Should -Be @('Delivered', 'Failed', 'Read')
            $results[1].FailureReason | Should -Match 'not a WhatsApp user'
            $results[2].ReadAt | Should -Not -BeNullOrEmpty

            $errs | Should -HaveCount 1
            $errs[0].FullyQualifiedErrorId | Should -BeLike 'Octopods.PhoneInvalid*'
            $errs[0].TargetObject.FirstName | Should -Be 'Cat'
        }

        It 'lists the latest send first in the channel''s message history' {
            Import-Csv -LiteralPath $script:Orders | Select-Object -First 1 |
                Send-OctopodsWhatsAppTemplate -TemplateId $script:OrderShipped -BodyVariableProperty FirstName, OrderId | Out-Null

            $latest = Get-OctopodsWhatsAppMessage -Limit 1

            $latest | Should -HaveCount 1
            $latest | Should -BeOfType ([Octopods.WhatsApp.WhatsAppMessage])
            $latest.PhoneNumber | Should -Be '+14155550101'
        }

        It 'writes results that Export-Csv flattens and Get-OctopodsWhatsAppStatus reads back' {
            $sentCsv = Join-Path $TestDrive 'sent.csv'
            Import-Csv -LiteralPath $script:Orders |
                Send-OctopodsWhatsAppTemplate -TemplateId $script:OrderShipped -BodyVariableProperty FirstName, OrderId -ErrorAction SilentlyContinue |
                Export-Csv -LiteralPath $sentCsv -NoTypeInformation

            $statuses = @(Import-Csv -LiteralPath $sentCsv | Get-OctopodsWhatsAppStatus -Wait)

            $statuses | Should -HaveCount 3
            $statuses[0] | Should -BeOfType ([Octopods.WhatsApp.WhatsAppStatus])
            $statuses.Status | Should -Be @('Delivered', 'Failed', 'Read')
        }

        It 'stops once, before any row is sent, when the command''s columns cannot fit the template' {
            $before = @(Get-OctopodsWhatsAppMessage).Count
            $stopped = $null
            $errs = $null
            try {
                Import-Csv -LiteralPath $script:Orders |
                    Send-OctopodsWhatsAppTemplate -TemplateId $script:OrderShipped -BodyVariableProperty FirstName -ErrorVariable errs -ErrorAction SilentlyContinue
            }
            catch { $stopped = $_ }

            # One error for the command's mistake, not one per row; worded for what was given.
            $stopped.FullyQualifiedErrorId | Should -BeLike 'Octopods.VariablesSize*'
            "$stopped" | Should -BeLike '*expects header 0, body 2*but got header 0, body 1*no row was sent*'
            "$stopped" | Should -Not -BeLike '*+1415*'
            @($errs).Count | Should -Be 1
            @(Get-OctopodsWhatsAppMessage).Count | Should -Be $before
        }

        It 'stops once, before any row is sent, when -BodyVariableProperty names a column the file lacks' {
            $before = @(Get-OctopodsWhatsAppMessage).Count
            $stopped = $null
            try {
                Import-Csv -LiteralPath $script:Orders |
                    Send-OctopodsWhatsAppTemplate -TemplateId $script:OrderShipped -BodyVariableProperty FirstName, OrderNumber -ErrorVariable errs -ErrorAction SilentlyContinue
            }
            catch { $stopped = $_ }
            $stopped.FullyQualifiedErrorId | Should -BeLike 'Octopods.ArgumentMissing*'
            "$stopped" | Should -BeLike "*no column 'OrderNumber' for -BodyVariableProperty (their columns: Phone, FirstName, OrderId)*"
            @($errs).Count | Should -Be 1
            @(Get-OctopodsWhatsAppMessage).Count | Should -Be $before
        }

        It 'still reports a row of its own mistake as that row''s error, and sends the others' {
            # Each row's variables come from its own message_variables column: the second row's count is its own mistake.
            $rows = @(
                [pscustomobject]@{ Phone = '+14155550181'; message_variables = '["Ann", "ORD-3001"]' }
                [pscustomobject]@{ Phone = '+14155550182'; message_variables = '["only one"]' }
                [pscustomobject]@{ Phone = '+14155550183'; message_variables = '["Cat", "ORD-3003"]' }
            )
            $results = @($rows | Send-OctopodsWhatsAppTemplate -TemplateId $script:OrderShipped -ErrorVariable errs -ErrorAction SilentlyContinue)
            $results | Should -HaveCount 2
            $errs | Should -HaveCount 1
            $errs[0].FullyQualifiedErrorId | Should -BeLike 'Octopods.VariablesSize*'
            $errs[0].TargetObject.Phone | Should -Be '+14155550182'
        }
    }

    It 'refuses a row whose variable is an empty cell or far too long, naming it, and sends the others' {
        $before = @(Get-OctopodsWhatsAppMessage).Count
        $rows = @(
            [pscustomobject]@{ Phone = '+14155550131'; FirstName = 'Ann'; OrderId = 'ORD-2001' }
            [pscustomobject]@{ Phone = '+14155550132'; FirstName = 'Bob'; OrderId = '' }
            [pscustomobject]@{ Phone = '+14155550133'; FirstName = 'Cat'; OrderId = 'x' * 200000 }
        )
        $results = @($rows | Send-OctopodsWhatsAppTemplate -TemplateId $script:OrderShipped -BodyVariableProperty FirstName, OrderId `
                -ErrorVariable errs -ErrorAction SilentlyContinue)

        $results | Should -HaveCount 1
        $errs | Should -HaveCount 2
        $errs | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeLike 'Octopods.VariableInvalid*' }
        "$($errs[0])" | Should -BeLike '*Body variable 2 is empty*'
        "$($errs[1])" | Should -BeLike "*Body variable 2 is $((200000).ToString('N0')) characters long*"
        $errs[1].TargetObject.Phone | Should -Be '+14155550133'
        @(Get-OctopodsWhatsAppMessage).Count | Should -Be ($before + 1)
    }

    It 'sends header and body variables as sections' {
        $result = Send-OctopodsWhatsAppTemplate -TemplateId $script:Reminder -To '+14155550120' `
            -HeaderVariable 'Ann' -BodyVariable 'Ann', 'Monday', '10:00' -Debug 5>&1

        $debug = @($result | Where-Object { $_ -is [System.Management.Automation.DebugRecord] } | ForEach-Object Message) -join "`n"
        @($result | Where-Object { $_ -is [Octopods.WhatsApp.WhatsAppSendResult] }) | Should -HaveCount 1
        $debug | Should -Match ([regex]::Escape('"message_variables":{"header":["Ann"],"body":["Ann","Monday","10:00"],"footer":[],"buttons":[]}'))
    }

    It 'shows the placeholder counts of each template' {
        $reminder = Get-OctopodsWhatsAppTemplate -TemplateId $script:Reminder

        $reminder | Should -BeOfType ([Octopods.Templates.MessageTemplate])
        $reminder.HeaderVariables | Should -Be 1
        $reminder.BodyVariables | Should -Be 3
        @(Get-OctopodsWhatsAppTemplate -Status accepted).TemplateId | Should -Be @('1001', '1002', '1003', '1004')
    }

    It 'sends nothing with -WhatIf' {
        # The sandbox keeps its history for the whole session, so compare before and after.
        $before = @(Get-OctopodsWhatsAppMessage).Count

        $output = @(Send-OctopodsWhatsAppTemplate -TemplateId $script:OrderShipped -To '+14155550130' -BodyVariable 'a', 'b' -WhatIf)

        $output | Should -HaveCount 0
        @(Get-OctopodsWhatsAppMessage).Count | Should -Be $before
    }

    It 'tab-completes -TemplateId with the accepted templates of the connection' {
        $line = 'Send-OctopodsWhatsAppTemplate -TemplateId '
        $completions = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText

        $completions | Should -Be @('1001', '1002', '1003', '1004')
    }
}

Describe 'Send-OctopodsViberTemplate in the sandbox' {
    BeforeAll {
        Disconnect-Octopods
        Connect-Octopods -Sandbox
    }

    It 'sends a template with header, body and footer variables' {
        $result = Send-OctopodsViberTemplate -TemplateId $script:ViberDelivery -To '+14155550140' `
            -HeaderVariable 'today' -BodyVariable '9:00', '11:00' -FooterVariable 'R-1'

        $result | Should -BeOfType ([Octopods.Viber.ViberSendResult])
        $result.MessageId | Should -Not -BeNullOrEmpty
        $result.TemplateId | Should -Be $script:ViberDelivery
        $result.PhoneNumber | Should -Be '+14155550140'
    }

    It 'offers no -Wait, because VBM has no status endpoint' {
        (Get-Command -Name Send-OctopodsViberTemplate).Parameters.ContainsKey('Wait') | Should -BeFalse
        $help = Join-Path (Split-Path -Parent (Split-Path -Parent $PSScriptRoot)) 'docs/en-US/Send-OctopodsViberTemplate.md'
        Get-Content -LiteralPath $help -Raw | Should -Match 'no status endpoint'
    }

    It 'reports an image template without -HeaderImageUrl as ArgumentMissing' {
        Send-OctopodsViberTemplate -TemplateId '2002' -To '+14155550141' -BodyVariable 'Ann' -ErrorVariable errs -ErrorAction SilentlyContinue

        $errs | Should -HaveCount 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'Octopods.ArgumentMissing*'
        $errs[0].ErrorDetails.RecommendedAction | Should -Match '-HeaderImageUrl'
    }
}

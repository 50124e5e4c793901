#Requires -Version 7.4
<#
    -WhatIf reads no key: a dry run works in a session that has no connection, no vault secret and no
    key in the environment, with or without -Wait (about_Octopods_Authentication promises it).
    A fresh pwsh, so no connection made by another test can help.
#>
BeforeAll {
    . (Join-Path $PSScriptRoot 'ModuleUnderTest.ps1')
    $script:Manifest = (Import-OctopodsModuleUnderTest).Manifest
}

Describe '-WhatIf without any key' {
    It '<Command> -WhatIf<Extra> shows what it would send and fails nothing' -ForEach @(
        @{ Command = 'Send-OctopodsSms'; Extra = ''; Line = "Send-OctopodsSms -To '+14155552671' -Body 'dry run' -WhatIf" }
        @{ Command = 'Send-OctopodsSms'; Extra = ' -Wait'; Line = "Send-OctopodsSms -To '+14155552671' -Body 'dry run' -WhatIf -Wait" }
        @{ Command = 'Send-OctopodsWhatsAppTemplate'; Extra = ' -Wait'; Line = "Send-OctopodsWhatsAppTemplate -TemplateId 1001 -To '+14155552671' -Variables 'Ann', '1001' -WhatIf -Wait" }
    ) {
        $script = @"
`$env:OCTOPODS_SMS_API_KEY = `$null; `$env:OCTOPODS_WHATSAPP_API_KEY = `$null
Import-Module '$Manifest'
`$ErrorActionPreference = 'Continue'
$Line -ErrorVariable failed
'errors: ' + `$failed.Count
"@
        $output = Invoke-FreshPwsh -Arguments @('-Command', $script) | Out-String
        $output | Should -Match 'What if: Performing the operation "Send'
        $output | Should -Not -Match 'NotConnected|API key was found'
        $output | Should -Match 'errors: 0'
    }
}

Describe '-WhatIf with several numbers' {
    It '<Command> -WhatIf shows one line per number, checks each and needs no key' -ForEach @(
        @{ Command = 'Send-OctopodsSms'; Line = "Send-OctopodsSms -To '+14155550101', 'nonsense', '+14155550102;+14155550103' -Body 'dry run' -WhatIf" }
        @{ Command = 'Send-OctopodsWhatsAppTemplate'; Line = "Send-OctopodsWhatsAppTemplate -TemplateId 1001 -To '+14155550101', 'nonsense', '+14155550102;+14155550103' -Variables 'Ann', '1001' -WhatIf" }
        @{ Command = 'Send-OctopodsViberTemplate'; Line = "Send-OctopodsViberTemplate -TemplateId 2001 -To '+14155550101', 'nonsense', '+14155550102;+14155550103' -Variables 'Ann' -WhatIf" }
    ) {
        $script = @"
`$env:OCTOPODS_SMS_API_KEY = `$null; `$env:OCTOPODS_WHATSAPP_API_KEY = `$null; `$env:OCTOPODS_VIBER_API_KEY = `$null
Import-Module '$Manifest'
`$ErrorActionPreference = 'Continue'
$Line -ErrorVariable failed -ErrorAction SilentlyContinue
'errors: ' + (`$failed | ForEach-Object { `$_.FullyQualifiedErrorId.Split(',')[0] + ' ' + `$_.TargetObject }) -join ';'
"@
        $output = Invoke-FreshPwsh -Arguments @('-Command', $script) | Out-String
        $targets = [regex]::Matches($output, 'What if: Performing the operation "Send .* on target "(\+\d+)"\.') | ForEach-Object { $_.Groups[1].Value }
        ($targets -join ',') | Should -BeExactly '+14155550101,+14155550102,+14155550103'
        $output | Should -Match 'errors: Octopods.PhoneInvalid nonsense\r?\n'
        $output | Should -Not -Match 'NotConnected|API key was found'
    }
}

Describe '-WhatIf on a bulk send' {
    It 'ends with a total of rows, messages and SMS segments' {
        $script = @"
`$env:OCTOPODS_SMS_API_KEY = `$null
Import-Module '$Manifest'
`$rows = @(
    [pscustomobject]@{ To = '+14155550101'; Message = 'short' }
    [pscustomobject]@{ To = '+14155550102;+14155550103'; Message = 'x' * 200 }
    [pscustomobject]@{ To = 'nonsense'; Message = 'refused' }
)
`$rows | Send-OctopodsSms -WhatIf -ErrorAction SilentlyContinue -InformationVariable info
'total: ' + (`$info | Where-Object { `$_.Tags -contains 'WhatIf' } | ForEach-Object { `$_.MessageData.Messages, `$_.MessageData.Segments -join '/' })
"@
        $output = Invoke-FreshPwsh -Arguments @('-Command', $script) | Out-String
        # 3 rows; 3 messages (one row lists two numbers, one is refused); 1 + 2 x 2 segments of 200 GSM-7 characters.
        $output | Should -Match 'What if: Send-OctopodsSms would send up to 3 message\(s\) for 3 row\(s\) read, 5 SMS segment\(s\)'
        $output | Should -Match 'total: 3/5'
    }
}

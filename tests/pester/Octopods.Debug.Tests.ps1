#Requires -Version 7.4
<#
    -Debug and the preference variables on real pwsh, where a prompt is real: on a compiled cmdlet
    the engine reads -Debug as Inquire for the verbose and warning streams, so unless the module
    prevents it every verbose or warning line asks "Continue with this operation?", and throws in a
    -NonInteractive run such as a scheduled task. build.ps1 runs this suite with -NonInteractive,
    so any prompt here fails the test that caused it.

    Module under test: see ModuleUnderTest.ps1.
#>
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSAvoidUsingConvertToSecureStringWithPlainText', '', Justification = 'Throwaway test keys and store passwords, made up in this file.')]
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSReviewUnusedParameter', 'ModulePath', Justification = 'Pester container data: read in BeforeAll, which the rule does not look into.')]
param(
    [string]$ModulePath
)

BeforeDiscovery {
    # One invocation per exported command, each harmless against the sandbox.
    $script:Invocations = @(
        @{ Name = 'Connect-Octopods'; Script = { Connect-Octopods -Sandbox -PassThru -Debug } }
        @{ Name = 'Get-OctopodsConnection'; Script = { Get-OctopodsConnection -Debug } }
        # The default value: the settings file changes, the settings in effect do not.
        @{ Name = 'Set-OctopodsConfiguration'; Script = { Set-OctopodsConfiguration -MaxRateLimitRetries 5 -PassThru -Debug } }
        @{ Name = 'Get-OctopodsConfiguration'; Script = { Get-OctopodsConfiguration -Debug } }
        @{ Name = 'Reset-OctopodsConfiguration'; Script = { Reset-OctopodsConfiguration -PassThru -Debug } }
        @{ Name = 'Measure-OctopodsSms'; Script = { Measure-OctopodsSms -Body 'hello' -Debug } }
        @{ Name = 'Send-OctopodsSms'; Script = { Send-OctopodsSms -To '+14155552671' -Body 'hello' -Debug } }
        @{ Name = 'Get-OctopodsSmsStatus'; Script = { Send-OctopodsSms -To '+14155552671' -Body 'x' | Get-OctopodsSmsStatus -Wait -Debug } }
        @{ Name = 'Send-OctopodsWhatsAppTemplate'; Script = { Send-OctopodsWhatsAppTemplate -TemplateId 1001 -To '+14155550120' -BodyVariable 'Ann', 'ORD-1' -Debug } }
        @{ Name = 'Get-OctopodsWhatsAppStatus'; Script = { Send-OctopodsWhatsAppTemplate -TemplateId 1001 -To '+14155550121' -BodyVariable 'Bo', 'ORD-2' | Get-OctopodsWhatsAppStatus -Debug } }
        @{ Name = 'Get-OctopodsWhatsAppMessage'; Script = { Get-OctopodsWhatsAppMessage -Debug } }
        @{ Name = 'Get-OctopodsWhatsAppTemplate'; Script = { Get-OctopodsWhatsAppTemplate -Debug } }
        @{ Name = 'Send-OctopodsViberTemplate'; Script = { Send-OctopodsViberTemplate -TemplateId 2003 -To '+14155550140' -HeaderVariable 'today' -BodyVariable '9:00', '11:00' -FooterVariable 'R-1' -Debug } }
        @{ Name = 'Get-OctopodsViberTemplate'; Script = { Get-OctopodsViberTemplate -Debug } }
        @{
            Name   = 'Get-OctopodsSendReport'
            Script = {
                $journal = Join-Path $TestDrive 'debug-report.jsonl'
                Send-OctopodsSms -To '+14155552671' -Body 'report' -JournalPath $journal | Out-Null
                Get-OctopodsSendReport -JournalPath $journal -Refresh -Debug
            }
        }
        # A list of the test's own (under TestDrive), never the user's.
        @{ Name = 'Add-OctopodsOptOut'; Script = { $env:OCTOPODS_OPTOUT_PATH = Join-Path $TestDrive 'debug-optouts.json'; Add-OctopodsOptOut -PhoneNumber '+14155550199' -Reason 'debug' -PassThru -Debug } }
        @{ Name = 'Get-OctopodsOptOut'; Script = { $env:OCTOPODS_OPTOUT_PATH = Join-Path $TestDrive 'debug-optouts.json'; Get-OctopodsOptOut -Debug } }
        @{ Name = 'Remove-OctopodsOptOut'; Script = { $env:OCTOPODS_OPTOUT_PATH = Join-Path $TestDrive 'debug-optouts.json'; Remove-OctopodsOptOut -PhoneNumber '+14155550199' -Reason 'debug consent' -Confirm:$false -Debug } }
        @{ Name = 'Disconnect-Octopods'; Script = { Disconnect-Octopods -Channel Viber -Debug } }
    )
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'ModuleUnderTest.ps1')
    $script:ManifestData = (Import-OctopodsModuleUnderTest -ModulePath $ModulePath).SourceManifestData
    $script:SavedOptOutPath = $env:OCTOPODS_OPTOUT_PATH

    # Everything a command wrote, by stream; a prompt in this -NonInteractive run would throw instead.
    function Invoke-Captured([scriptblock]$Command) {
        $all = @(& $Command *>&1)
        [pscustomobject]@{
            Output  = @($all | Where-Object { $_ -isnot [System.Management.Automation.InformationalRecord] -and $_ -isnot [System.Management.Automation.InformationRecord] -and $_ -isnot [System.Management.Automation.ErrorRecord] })
            Errors  = @($all | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
            Warning = @($all | Where-Object { $_ -is [System.Management.Automation.WarningRecord] } | ForEach-Object Message)
            Verbose = @($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
            Debug   = @($all | Where-Object { $_ -is [System.Management.Automation.DebugRecord] } | ForEach-Object Message)
        }
    }

    $script:StuckNumber = '+15005550004'   # the sandbox keeps it Queued: -Wait ends with a warning
}

AfterAll {
    $env:OCTOPODS_OPTOUT_PATH = $script:SavedOptOutPath
    if (Get-Command -Name Disconnect-Octopods -ErrorAction SilentlyContinue) { Disconnect-Octopods }
    Get-Module -Name Octopods | Remove-Module -Force
}

Describe 'A run that cannot prompt' {
    It 'is this one: the suite runs in a -NonInteractive pwsh, so a prompt would fail the test' {
        [Environment]::GetCommandLineArgs() | Should -Contain '-NonInteractive'
    }

}

Describe '-Debug on every command' {
    BeforeAll {
        Disconnect-Octopods
        Connect-Octopods -Sandbox
    }

    It 'covers every exported command' -ForEach @(@{ Covered = $script:Invocations.Name }) {
        (@($Covered | Sort-Object) -join ', ') | Should -Be (@($script:ManifestData.CmdletsToExport | Sort-Object) -join ', ')
    }

    It '<Name> -Debug runs without asking anything' -ForEach $script:Invocations {
        $run = Invoke-Captured $Script

        $run.Errors | Should -BeNullOrEmpty
        # It did its work (a result, or for Disconnect-Octopods its verbose line) instead of stopping at a prompt.
        ($run.Output.Count + $run.Verbose.Count) | Should -BeGreaterThan 0
    }
}

Describe 'What -Debug shows' {
    BeforeAll {
        Disconnect-Octopods
        $script:Secret = 'sk_debug_' + [guid]::NewGuid().ToString('N')
        Connect-Octopods -Sandbox -ApiKey (ConvertTo-SecureString -String $script:Secret -AsPlainText -Force)
    }

    It 'shows each request and response body with the key redacted, plus the verbose lines' {
        $run = Invoke-Captured { Send-OctopodsSms -To '+14155552671' -Body 'debug body probe' -Debug }

        $run.Errors | Should -BeNullOrEmpty
        @($run.Output).Count | Should -Be 1
        @($run.Verbose | Where-Object { $_ -like 'POST /api/v1/sms/messages -> 201*' }) | Should -HaveCount 1
        $exchange = @($run.Debug | Where-Object { $_ -like '*debug body probe*' })
        $exchange | Should -HaveCount 1
        $exchange[0] | Should -BeLike '*X-Octopods-Auth: `*`*`**'
        $exchange[0] | Should -BeLike '*"message_id":*'
        (($run.Verbose + $run.Debug) -join "`n") | Should -Not -Match ([regex]::Escape($script:Secret))
    }

    It 'keeps warnings on the warning stream, without asking' {
        $run = Invoke-Captured { Send-OctopodsSms -To $script:StuckNumber -Body 'stays queued' -Wait -TimeoutSeconds 5 -Debug }

        $run.Errors | Should -BeNullOrEmpty
        $run.Warning | Should -HaveCount 1
        $run.Warning[0] | Should -BeLike '*had not reached a final status*'
    }

    It 'honours -WarningAction and $WarningPreference beside -Debug' {
        $byParameter = Invoke-Captured { Send-OctopodsSms -To $script:StuckNumber -Body 'a' -Wait -TimeoutSeconds 5 -Debug -WarningAction SilentlyContinue }
        $byVariable = & {
            $WarningPreference = 'SilentlyContinue'
            Invoke-Captured { Send-OctopodsSms -To $script:StuckNumber -Body 'b' -Wait -TimeoutSeconds 5 -Debug }
        }
        $stopped = { Send-OctopodsSms -To $script:StuckNumber -Body 'c' -Wait -TimeoutSeconds 5 -Debug -WarningAction Stop *> $null }

        $byParameter.Warning | Should -BeNullOrEmpty
        $byParameter.Debug | Should -Not -BeNullOrEmpty
        $byVariable.Warning | Should -BeNullOrEmpty
        $byVariable.Debug | Should -Not -BeNullOrEmpty
        $stopped | Should -Throw '*had not reached a final status*'
    }

    It 'keeps -Verbose:$false beside -Debug: debug lines only' {
        $run = Invoke-Captured { Send-OctopodsSms -To '+14155552671' -Body 'quiet' -Debug -Verbose:$false }

        $run.Verbose | Should -BeNullOrEmpty
        $run.Debug | Should -Not -BeNullOrEmpty
    }

    It 'shows bodies with $DebugPreference = ''Continue'', and verbose lines only when $VerbosePreference asks' {
        $debugOnly = & {
            $DebugPreference = 'Continue'
            Invoke-Captured { Send-OctopodsSms -To '+14155552671' -Body 'preference probe' }
        }
        $both = & {
            $DebugPreference = 'Continue'; $VerbosePreference = 'Continue'
            Invoke-Captured { Send-OctopodsSms -To '+14155552671' -Body 'preference probe 2' }
        }

        $debugOnly.Errors | Should -BeNullOrEmpty
        @($debugOnly.Debug | Where-Object { $_ -like '*preference probe*' }) | Should -HaveCount 1
        $debugOnly.Verbose | Should -BeNullOrEmpty
        @($both.Verbose | Where-Object { $_ -like 'POST /api/v1/sms/messages*' }) | Should -HaveCount 1
    }
}

Describe '-Debug at an interactive console' {
    It 'asks nothing when the host can prompt' {
        # A console pwsh (no -NonInteractive) whose answers would come from standard input: a prompt
        # would print its question, and read "n" (No) from the input given here.
        $script = @(
            "Import-Module '$((Get-Module Octopods).ModuleBase)/Octopods.psd1'"
            'Connect-Octopods -Sandbox'
            "(Send-OctopodsSms -To '+14155552671' -Body 'console probe' -Debug -Wait).Status"
        ) -join '; '
        $pwsh = Join-Path $PSHOME 'pwsh.dll'
        $output = "n`nn`nn`nn`n" | & dotnet $pwsh -NoProfile -Command $script 2>&1 | Out-String

        $output | Should -Not -BeLike '*Continue with this operation*'
        $output | Should -BeLike '*Delivered*'
        $output | Should -BeLike '*X-Octopods-Auth: `*`*`**'
    }
}

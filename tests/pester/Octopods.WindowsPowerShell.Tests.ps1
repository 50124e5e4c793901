<#
    The journeys Windows PowerShell 5.1 must pass, written in the PowerShell both editions share so
    the same file runs under powershell.exe (the CI windows leg) and under pwsh (every run). The other
    files here use pwsh 7.4 features and say so with #Requires; tools/Invoke-PesterSuite.ps1 runs
    only this kind under Windows PowerShell. What 5.1 does differently is loading: no load contexts,
    one AssemblyResolve handler for the whole process (src/Octopods.PowerShell/Loading).
#>
BeforeAll {
    . (Join-Path $PSScriptRoot 'ModuleUnderTest.ps1')
    $script:Manifest = (Import-OctopodsModuleUnderTest).Manifest
    $script:Neighbour = Join-Path (Join-Path $PSScriptRoot 'Neighbour') 'Neighbour.psm1'
}

AfterAll {
    if (Get-Command -Name Disconnect-Octopods -ErrorAction SilentlyContinue) { Disconnect-Octopods }
}

Describe 'Octopods in this edition of PowerShell' {
    BeforeEach { Connect-Octopods -Sandbox }

    It 'sends in the sandbox and writes a typed result' {
        $result = Send-OctopodsSms -To '+14155552671' -Body 'Hello from Windows PowerShell' -Force
        $result.GetType().FullName | Should -Be 'Octopods.Sms.SmsSendResult'
        $result.MessageId | Should -Match '^msg_sbx_\d+$'
        $result.Encoding | Should -Be 'GSM-7'
    }

    It 'converts national numbers with its own PhoneNumbers, and follows rows to their final status' {
        $rows = @(
            [pscustomobject]@{ To = '(415) 555-2671'; Message = 'one' }
            [pscustomobject]@{ To = '+15005550001'; Message = 'two' }
        )
        $results = @($rows | Send-OctopodsSms -DefaultRegion US -Wait -Force)
        $results.PhoneNumber | Should -Be @('+14155552671', '+15005550001')
        $results.Status | Should -Be @('Delivered', 'Failed')
    }

    It 'checks every row under -WhatIf, needing no key, and sends nothing' {
        Disconnect-Octopods
        $rows = @(
            [pscustomobject]@{ To = '+14155552671'; Message = 'fine' }
            [pscustomobject]@{ To = '4155552671'; Message = 'not E.164' }
        )
        $output = @($rows | Send-OctopodsSms -WhatIf -ErrorVariable refused -ErrorAction SilentlyContinue)
        $output.Count | Should -Be 0
        $refused.Count | Should -Be 1
        $refused[0].FullyQualifiedErrorId | Should -BeLike 'Octopods.PhoneInvalid,*'
    }
}

Describe 'Settings in this edition of PowerShell' {
    BeforeAll {
        $script:SavedSettingsPath = $env:OCTOPODS_CONFIG_PATH
        $script:Windows = [Environment]::OSVersion.Platform -eq [PlatformID]::Win32NT
    }
    AfterAll { $env:OCTOPODS_CONFIG_PATH = $SavedSettingsPath }

    It 'names the per-user file as the platform keeps such files' {
        $env:OCTOPODS_CONFIG_PATH = $null
        $expected = if ($Windows) { Join-Path $env:APPDATA 'Octopods\settings.json' }
        else {
            $config = if ($env:XDG_CONFIG_HOME) { $env:XDG_CONFIG_HOME } else { Join-Path $HOME '.config' }
            Join-Path $config 'octopods/settings.json'
        }
        (Get-OctopodsConfiguration).Path | Should -Be $expected
    }

    It 'writes, rewrites and deletes a settings file, and a sandbox send is not held up by a proxy in it' {
        $env:OCTOPODS_CONFIG_PATH = Join-Path ([IO.Path]::GetTempPath()) "octopods-settings-$([guid]::NewGuid().ToString('N')).json"
        Set-OctopodsConfiguration -Proxy 'http://proxy.corp.example:8080' -ProxyBypassList '*.corp.example' -RequestTimeoutSeconds 45
        Set-OctopodsConfiguration -MaxRateLimitRetries 2    # replaces the file (File.Replace on .NET Framework)
        $shown = Get-OctopodsConfiguration
        $shown.GetType().FullName | Should -Be 'Octopods.Settings.OctopodsConfiguration'
        $shown.Proxy | Should -Be 'http://proxy.corp.example:8080/'
        $shown.RequestTimeoutSeconds | Should -Be 45
        "$($shown.MaxRateLimitRetriesSource)" | Should -Be 'File'

        Connect-Octopods -Sandbox
        (Send-OctopodsSms -To '+14155552671' -Body 'behind a proxy' -Force).MessageId | Should -Match '^msg_sbx_\d+$'

        Reset-OctopodsConfiguration
        Test-Path -LiteralPath $env:OCTOPODS_CONFIG_PATH | Should -Be $false
    }
}

Describe 'Octopods beside a module with other versions of its dependencies' {
    # Each order in a fresh process: what is loaded stays loaded for the life of a process.
    It 'both work with <Name> imported first' -ForEach @(
        @{ Name = 'the neighbour'; Order = 'Neighbour', 'Octopods' }
        @{ Name = 'Octopods'; Order = 'Octopods', 'Neighbour' }
    ) {
        $imports = foreach ($module in $Order) {
            if ($module -eq 'Octopods') { "Import-Module '$Manifest'" } else { "Import-Module '$Neighbour'" }
        }
        $script = ($imports -join '; ') + @'
; $ErrorActionPreference = 'Stop'
$null = Connect-Octopods -Sandbox
$sent = Send-OctopodsSms -To '415 555 2671' -DefaultRegion US -Body 'isolation' -Force
$other = Format-NeighbourPhone -Number '020 7946 0018' -Region GB
'RESULT ' + (@($sent.PhoneNumber, $other.E164, $other.PhoneNumbersVersion, (ConvertTo-NeighbourJson -Text 'a"b')) -join '|')
'@
        $output = @(Invoke-FreshPwsh -Arguments @('-Command', $script))
        $line = @($output | Where-Object { "$_".StartsWith('RESULT ') }) | Select-Object -Last 1
        if (-not $line) { throw "The fresh process reported no result:`n$($output | Out-String)" }
        $parts = "$line".Substring(7).Split('|')
        $parts[0] | Should -Be '+14155552671'
        $parts[1] | Should -Be '+442079460018'
        $parts[2] | Should -Be '9.0.38.0'
        $parts[3] | Should -Be '"a\u0022b"'
    }
}

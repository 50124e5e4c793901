#Requires -Version 7.4
<#
    Pester 5 journeys for settings that persist (Set-, Get- and Reset-OctopodsConfiguration), in real
    pwsh: the settings are written in this session, and a NEW pwsh process (as a later session or a
    scheduled job would be) shows them and sends through the HTTP proxy they name, which wants Basic
    credentials. The proxy's password is in a real SecretStore vault; the settings file holds only
    the secret's name. The emulator and the proxy run in a process of their own
    (tests/Octopods.TestServer --proxy), whose log shows each request that went through the proxy.

    The settings file is a temporary one (OCTOPODS_CONFIG_PATH). The SecretStore is reset, so these
    journeys need a throwaway HOME, as the authentication journeys do: build.ps1 -Task Test gives
    one (on Windows, where the store lives in the profile, set OCTOPODS_TEST_SECRETSTORE=1 on a
    throwaway account). .NET Framework never sends loopback requests to a proxy, so this file is for
    pwsh only.

    Module under test: see ModuleUnderTest.ps1 (-ModulePath, $env:OCTOPODS_MODULE_PATH, or out/ of this checkout).
#>
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSAvoidUsingConvertToSecureStringWithPlainText', '', Justification = 'Throwaway test keys and store passwords, made up in this file.')]
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSReviewUnusedParameter', 'ModulePath', Justification = 'Pester container data: read in BeforeAll, which the rule does not look into.')]
param(
    [string]$ModulePath
)

BeforeAll {
    . (Join-Path $PSScriptRoot 'ModuleUnderTest.ps1')
    $script:Module = Import-OctopodsModuleUnderTest -ModulePath $ModulePath

    $isolated = $env:OCTOPODS_TEST_HOME -and $HOME -eq $env:OCTOPODS_TEST_HOME -and -not $IsWindows
    if (-not ($isolated -or $env:OCTOPODS_TEST_SECRETSTORE -eq '1')) {
        throw ('These journeys reset the SecretStore. Run them with ''dotnet pwsh ./build.ps1 -Task Test'', which gives them a throwaway HOME, ' +
            'or set OCTOPODS_TEST_SECRETSTORE=1 on a throwaway account (on Windows the store lives in the profile).')
    }
    foreach ($name in 'Microsoft.PowerShell.SecretManagement', 'Microsoft.PowerShell.SecretStore') {
        if (-not (Get-Module -ListAvailable -Name $name)) {
            throw "$name is not on PSModulePath. Install it (Install-PSResource $name), or run 'dotnet pwsh ./build.ps1 -Task Test', which puts the build's tool modules on PSModulePath or saves them from the Gallery."
        }
    }
    Import-Module Microsoft.PowerShell.SecretManagement, Microsoft.PowerShell.SecretStore -ErrorAction Stop

    # A store a scheduled job can read without a prompt or an unlock step.
    Reset-SecretStore -Authentication None -Interaction None -Force -Confirm:$false
    Get-SecretVault | Where-Object Name -EQ 'OctopodsProxyVault' | Unregister-SecretVault
    Register-SecretVault -Name OctopodsProxyVault -ModuleName Microsoft.PowerShell.SecretStore
    $script:ProxyUser = 'ann'
    $script:ProxyPassword = "proxy-pw-$([guid]::NewGuid().ToString('N').Substring(0, 12))"
    $credential = [pscredential]::new($ProxyUser, (ConvertTo-SecureString -String $ProxyPassword -AsPlainText -Force))
    Set-Secret -Vault OctopodsProxyVault -Name CorpProxy -Secret $credential

    $script:Server = Start-OctopodsTestServer -ProxyCredential "$($ProxyUser):$ProxyPassword"
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) "octopods-settings-$([guid]::NewGuid().ToString('N'))"
    $null = New-Item -ItemType Directory -Path $Work
    $script:SavedEnvironment = @{ OCTOPODS_CONFIG_PATH = $env:OCTOPODS_CONFIG_PATH; OCTOPODS_SMS_API_KEY = $env:OCTOPODS_SMS_API_KEY }
    $env:OCTOPODS_CONFIG_PATH = Join-Path $Work 'octopods/settings.json'
    $env:OCTOPODS_SMS_API_KEY = 'sk_pester_settings_4b1a'

    # What a later session does: import the module, show the settings, send one SMS. Errors are
    # printed with their id, so the test can tell which one.
    $script:SessionScript = Join-Path $Work 'later-session.ps1'
    Set-Content -LiteralPath $SessionScript -Encoding utf8 -Value @'
param([string]$Manifest)
$PSStyle.OutputRendering = 'PlainText'
Import-Module -Name $Manifest -ErrorAction Stop
Get-OctopodsConfiguration | Out-String -Width 80 -Stream
try {
    Send-OctopodsSms -To +14155552671 -Body 'sent by a later session' -ErrorAction Stop | ForEach-Object { "SENT $($_.MessageId)" }
}
catch { "ERROR $($_.FullyQualifiedErrorId): $($_.Exception.Message)" }
'@
    function Invoke-LaterSession { @(Invoke-FreshPwsh -Arguments '-File', $SessionScript, $Module.Manifest) | ForEach-Object { "$_" } }
    # Invoke-RestMethod writes a JSON array as one object: unrolled here, one line per request.
    function Get-ProxyLog { Invoke-RestMethod -Uri "$($Server.Uri)__test/proxy-log" -NoProxy | ForEach-Object { $_ } }
}

AfterAll {
    Stop-OctopodsTestServer $Server
    foreach ($name in $SavedEnvironment.Keys) { [Environment]::SetEnvironmentVariable($name, $SavedEnvironment[$name]) }
    Remove-Item -LiteralPath $Work -Recurse -Force -ErrorAction SilentlyContinue
    Get-SecretVault | Where-Object Name -EQ 'OctopodsProxyVault' | Unregister-SecretVault
    Get-Module -Name Octopods | Remove-Module -Force
}

Describe 'Settings written in one session, used by the next' {
    It 'keeps the proxy, its secret''s name and the timeouts in the file, never the password' {
        Set-OctopodsConfiguration -BaseUri $Server.Uri -Proxy $Server.ProxyUri -ProxySecretName CorpProxy -ProxyVault OctopodsProxyVault `
            -RequestTimeoutSeconds 20 -MaxRateLimitRetries 3

        $env:OCTOPODS_CONFIG_PATH | Should -Exist
        $text = Get-Content -LiteralPath $env:OCTOPODS_CONFIG_PATH -Raw
        $text | Should -Not -Match ([regex]::Escape($ProxyPassword))
        $text | Should -Not -Match 'password'
        $text | Should -Not -Match 'sk_pester'
        $saved = $text | ConvertFrom-Json -AsHashtable
        $saved.Keys | Sort-Object | Should -Be @('baseUri', 'maxRateLimitRetries', 'proxy', 'proxySecretName', 'proxyVault', 'requestTimeoutSeconds')
        $saved.proxySecretName | Should -Be 'CorpProxy'
    }

    It 'a new pwsh shows them, each with its source in 80 columns, and sends through the proxy with the vault''s credential' {
        $before = (Get-ProxyLog).Count
        $printed = Invoke-LaterSession
        $text = $printed -join "`n"

        # The list view: one line per setting (a long path wraps, as lists do).
        ($text -replace '\s+', '') | Should -BeLike "*File:$env:OCTOPODS_CONFIG_PATH*" -Because $text
        $printed | Should -Contain "BaseUri             : $($Server.Uri) (file)" -Because $text
        $printed | Should -Contain "Proxy               : $($Server.ProxyUri) (file)" -Because $text
        $printed | Should -Contain "ProxyCredential     : secret 'CorpProxy' in vault 'OctopodsProxyVault' (file)" -Because $text
        $printed | Should -Contain 'ProxyBypassList     : none (default)' -Because $text
        $printed | Should -Contain 'RequestTimeout      : 20 s (file)' -Because $text
        $printed | Should -Contain 'MaxRateLimitRetries : 3 (file)' -Because $text
        $printed | Should -Contain 'MaxRateLimitWait    : 300 s (default)' -Because $text
        @($printed | Where-Object Length -GT 80) | Should -BeNullOrEmpty
        $text | Should -Not -Match ([regex]::Escape($ProxyPassword))

        # The send: refused once without credentials (.NET answers the challenge), then through as the vault's user.
        @($printed -match '^SENT msg_').Count | Should -Be 1 -Because $text
        $sendPath = "$($Server.Uri)api/v1/sms/messages"
        @(Get-ProxyLog | Select-Object -Skip $before) | Should -Be @("POST $sendPath -> 407 (no credentials)", "POST $sendPath -> 201 (as $ProxyUser)")
        Invoke-RestMethod -Uri "$($Server.Uri)__test/ledger" -NoProxy | ForEach-Object { $_ } | Should -Contain 'sent by a later session'
    }

    It 'without the credential, the next session is refused by the proxy with a named error and the fix' {
        Reset-OctopodsConfiguration -Setting ProxyCredential
        (Get-Content -LiteralPath $env:OCTOPODS_CONFIG_PATH -Raw) | Should -Not -Match 'CorpProxy'

        $printed = Invoke-LaterSession
        $text = $printed -join "`n"
        $printed | Should -Contain 'ProxyCredential     : none (default)' -Because $text
        $failure = @($printed -match '^ERROR ')
        $failure.Count | Should -Be 1 -Because $text
        $failure[0] | Should -BeLike "ERROR Octopods.ProxyAuthenticationRequired,*The proxy $($Server.ProxyUri.TrimEnd('/')) asks for credentials (HTTP 407)*"
        $text | Should -Match 'Set-OctopodsConfiguration -ProxySecretName'
        @(Get-ProxyLog)[-1] | Should -Be "POST $($Server.Uri)api/v1/sms/messages -> 407 (no credentials)"
    }

    It 'after Reset-OctopodsConfiguration there is no file and a new session has the defaults' {
        Reset-OctopodsConfiguration
        $env:OCTOPODS_CONFIG_PATH | Should -Not -Exist
        $printed = Invoke-LaterSession
        $printed | Should -Contain 'Proxy               : System (default)' -Because ($printed -join "`n")
    }
}

Describe 'Addresses never carry credentials' {
    BeforeAll {
        $script:Password = "PASS$([guid]::NewGuid().ToString('N').Substring(0, 10))"
        $script:WithUser = "https://alice:$Password@app.octopods.io"
    }

    BeforeEach {
        Reset-OctopodsConfiguration -Confirm:$false
        $Error.Clear()
    }

    AfterEach {
        $env:OCTOPODS_BASE_URI = $null
        Disconnect-Octopods
    }

    It 'Set-OctopodsConfiguration refuses a -BaseUri with a user and password, and writes and shows neither' {
        { Set-OctopodsConfiguration -BaseUri $WithUser -ErrorAction Stop } | Should -Throw -ErrorId 'Octopods.BaseUriInvalid*'
        Test-Path -LiteralPath $env:OCTOPODS_CONFIG_PATH | Should -BeFalse
        ($Error | Out-String) + ($Error | ForEach-Object { $_.ErrorDetails.RecommendedAction }) | Should -Not -BeLike "*$Password*"
    }

    It 'Connect-Octopods refuses such a -BaseUri, and Get-OctopodsConnection shows no session for it' {
        $key = ConvertTo-SecureString -String 'sk_pester_userinfo_7d2e' -AsPlainText -Force
        { Connect-Octopods -ApiKey $key -BaseUri $WithUser -ErrorAction Stop } | Should -Throw -ErrorId 'Octopods.BaseUriInvalid*'
        (Get-OctopodsConnection -Channel Sms | Out-String) + ($Error | Out-String) | Should -Not -BeLike "*$Password*"
    }

    It 'a send refuses OCTOPODS_BASE_URI with a user and password, naming the variable''s address without them' {
        $env:OCTOPODS_BASE_URI = $WithUser
        $failure = $null
        try { Send-OctopodsSms -To +14155552671 -Body 'never sent' -ErrorAction Stop -Verbose 4>$null }
        catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -BeLike 'Octopods.BaseUriInvalid*'
        "$failure" | Should -BeLike '*https://app.octopods.io*'
        ($failure | Out-String) | Should -Not -BeLike "*$Password*"
    }

    It 'a query in -BaseUri is refused, not silently dropped' {
        { Set-OctopodsConfiguration -BaseUri 'https://app.octopods.io/?region=eu' -ErrorAction Stop } | Should -Throw -ErrorId 'Octopods.BaseUriInvalid*'
        Test-Path -LiteralPath $env:OCTOPODS_CONFIG_PATH | Should -BeFalse
    }

    It 'a -BaseUri that already holds the API''s path (/api/v1) is caught, naming the root to give' {
        $refused = $null
        try { Set-OctopodsConfiguration -BaseUri 'https://app.octopods.io/api/v1' -ErrorAction Stop }
        catch { $refused = $_ }
        $refused.FullyQualifiedErrorId | Should -BeLike 'Octopods.BaseUriInvalid*'
        "$refused" | Should -BeLike '*/api/v1*every request adds itself*'
        $refused.ErrorDetails.RecommendedAction | Should -BeLike '*https://app.octopods.io*'
        Test-Path -LiteralPath $env:OCTOPODS_CONFIG_PATH | Should -BeFalse
    }
}

Describe 'A proxy that fails is named, and what it stopped counts as not sent' {
    BeforeAll {
        $script:Refusing = Start-OctopodsTestServer -ProxyFault 502
        $script:Dropping = Start-OctopodsTestServer -ProxyFault reset
        # A port nothing listens on: a proxy that refuses the connection.
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start()
        $script:DeadProxy = "http://127.0.0.1:$($listener.LocalEndpoint.Port)/"
        $listener.Stop()
        $script:ProxyKey = ConvertTo-SecureString -String 'sk_pester_proxy_fault_0e3d' -AsPlainText -Force
        # An https service address: the proxy is asked for a tunnel (CONNECT) to it, which it refuses, so nothing reaches it.
        $script:Service = 'https://127.0.0.1:9/'
    }

    AfterAll {
        Stop-OctopodsTestServer $Refusing
        Stop-OctopodsTestServer $Dropping
        Reset-OctopodsConfiguration -Confirm:$false -ErrorAction SilentlyContinue
    }

    It 'a proxy <Case> is named with its address, never blamed on the service, and the row is failed, not unknown' -ForEach @(
        @{ Case = 'that refuses the connection'; Proxy = 'dead'; Said = '*could not be used*' }
        @{ Case = 'that answers the tunnel with HTTP 502'; Proxy = 'refusing'; Said = '*refused the tunnel to 127.0.0.1:9 with HTTP 502*' }
        @{ Case = 'that drops the tunnel'; Proxy = 'dropping'; Said = '*could not be used*' }
    ) {
        $address = switch ($Proxy) { 'dead' { $DeadProxy } 'refusing' { $Refusing.ProxyUri } 'dropping' { $Dropping.ProxyUri } }
        Set-OctopodsConfiguration -Proxy $address
        $journal = Join-Path $TestDrive "proxy-$Proxy.jsonl"
        $row = [pscustomobject]@{ To = '+14155550160'; Message = "through a proxy $Proxy" }
        $null = $row | Send-OctopodsSms -ApiKey $ProxyKey -BaseUri $Service -JournalPath $journal -ErrorVariable failed -ErrorAction SilentlyContinue

        $failed | Should -HaveCount 1
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'Octopods.ProxyFailed*'
        "$($failed[0])" | Should -BeLike "*The proxy $($address.TrimEnd('/'))*"
        "$($failed[0])" | Should -BeLike $Said
        "$($failed[0])" | Should -BeLike '*nothing reached Octopods*'
        "$($failed[0])" | Should -Not -BeLike '*may or may not*'
        # Certainly not sent: the journal says failed, so a resume sends it (not "unknown", which it would not).
        (Get-OctopodsSendReport -JournalPath $journal).Outcome | Should -Be 'Failed'
    }
}

Describe 'The module deletes only its own settings file' {
    BeforeEach {
        $script:SavedPath = $env:OCTOPODS_CONFIG_PATH
    }

    AfterEach {
        $env:OCTOPODS_CONFIG_PATH = $SavedPath
    }

    It 'Reset-OctopodsConfiguration leaves a CSV that OCTOPODS_CONFIG_PATH names untouched, with a named error' {
        $csv = Join-Path $TestDrive 'customers.csv'
        Set-Content -LiteralPath $csv -Value "To,Message`n+14155552671,hello" -Encoding utf8
        $before = Get-Content -LiteralPath $csv -Raw
        $env:OCTOPODS_CONFIG_PATH = $csv
        { Reset-OctopodsConfiguration -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'Octopods.SettingsFileNotOurs*'
        Get-Content -LiteralPath $csv -Raw | Should -BeExactly $before
    }

    It 'a relative OCTOPODS_CONFIG_PATH stops commands with a named error instead of meaning another file in every folder' {
        $env:OCTOPODS_CONFIG_PATH = 'settings.json'
        { Get-OctopodsConfiguration -ErrorAction Stop } | Should -Throw -ErrorId 'Octopods.SettingsPathRelative*'
        { Set-OctopodsConfiguration -RequestTimeoutSeconds 10 -ErrorAction Stop } | Should -Throw -ErrorId 'Octopods.SettingsPathRelative*'
        Test-Path -LiteralPath (Join-Path (Get-Location) 'settings.json') | Should -BeFalse
    }

    It 'a settings file with a bad value is still its own: the error advises nothing destructive, and a reset deletes it' {
        $bad = Join-Path $TestDrive 'settings.json'
        Set-Content -LiteralPath $bad -Value '{ "requestTimeoutSeconds": -5 }' -Encoding utf8
        $env:OCTOPODS_CONFIG_PATH = $bad
        $failure = $null
        try { Get-OctopodsConfiguration -ErrorAction Stop | Out-Null }
        catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -BeLike 'Octopods.SettingsFileInvalid*'
        "$failure $($failure.ErrorDetails.RecommendedAction)" | Should -Not -BeLike '*Reset-OctopodsConfiguration*'
        Reset-OctopodsConfiguration -Confirm:$false
        Test-Path -LiteralPath $bad | Should -BeFalse
    }
}

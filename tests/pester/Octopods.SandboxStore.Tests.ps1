#Requires -Version 7.4
<#
    Pester 5 journeys for the sandbox's file (OCTOPODS_SANDBOX_PATH) on real pwsh: processes and
    runspaces sending at once share it without giving an id twice or losing a line, and a file that
    is not the sandbox's is neither written nor deleted. The store's own rules (lock, ids, devices)
    are covered by the xunit suite; these check what separate processes and runspaces do.

    Module under test: see ModuleUnderTest.ps1 (-ModulePath, $env:OCTOPODS_MODULE_PATH, or out/ of this checkout).
#>
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSReviewUnusedParameter', 'ModulePath', Justification = 'Pester container data: read in BeforeAll, which the rule does not look into.')]
param(
    [string]$ModulePath
)

BeforeAll {
    . (Join-Path $PSScriptRoot 'ModuleUnderTest.ps1')
    $script:Manifest = (Import-OctopodsModuleUnderTest -ModulePath $ModulePath).Manifest
    $script:SuiteSandbox = $env:OCTOPODS_SANDBOX_PATH
}

AfterAll {
    $env:OCTOPODS_SANDBOX_PATH = $script:SuiteSandbox
    if (Get-Command -Name Disconnect-Octopods -ErrorAction SilentlyContinue) { Disconnect-Octopods }
    Get-Module -Name Octopods | Remove-Module -Force
}

Describe 'The sandbox''s file shared by processes and runspaces' {
    It 'two processes and four runspaces sending at once never share an id or lose a line' {
        $store = Join-Path $TestDrive 'shared-sandbox.jsonl'
        $go = Join-Path $TestDrive 'go'
        $env:OCTOPODS_SANDBOX_PATH = $store
        try {
            # Each sender waits for the same moment, then sends 100 messages through the sandbox.
            $senderScript = Join-Path $TestDrive 'sender.ps1'
            Set-Content -LiteralPath $senderScript -Encoding utf8 -Value @'
param($Manifest, $Go, $Tag)
Import-Module -Name $Manifest
Connect-Octopods -Sandbox
$deadline = [DateTime]::UtcNow.AddSeconds(60)
while (-not (Test-Path -LiteralPath $Go) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 5 }
1..100 | ForEach-Object { [pscustomobject]@{ To = '+14155559{0:D3}' -f $_; Message = "$Tag message $_" } } |
    Send-OctopodsSms -ThrottleLimit 8 | ForEach-Object MessageId
'@
            $pwshDll = Join-Path $PSHOME 'pwsh.dll'
            $processes = foreach ($tag in 'process-1', 'process-2') {
                $info = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
                foreach ($argument in @($pwshDll, '-NoProfile', '-NonInteractive', '-File', $senderScript, $Manifest, $go, $tag)) { $info.ArgumentList.Add($argument) }
                $info.RedirectStandardOutput = $true
                $info.UseShellExecute = $false
                $process = [System.Diagnostics.Process]::Start($info)
                [pscustomobject]@{ Process = $process; Output = $process.StandardOutput.ReadToEndAsync() }
            }
            $runspaces = 1..4 | ForEach-Object -ThrottleLimit 4 -AsJob -Parallel {
                Import-Module -Name $using:Manifest
                Connect-Octopods -Sandbox
                $deadline = [DateTime]::UtcNow.AddSeconds(60)
                while (-not (Test-Path -LiteralPath $using:go) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 5 }
                $tag = "runspace-$_"
                $rows = 1..100 | ForEach-Object { [pscustomobject]@{ To = '+14155558{0:D3}' -f $_; Message = "$tag message $_" } }
                ($rows | Send-OctopodsSms -ThrottleLimit 8).MessageId
            }
            Start-Sleep -Milliseconds 1500   # the processes load the module meanwhile
            $null = New-Item -ItemType File -Path $go
            $ids = [System.Collections.Generic.List[string]]::new()
            foreach ($p in $processes) {
                if (-not $p.Process.WaitForExit(120000)) { $p.Process.Kill($true) }
                $p.Output.Result -split "`n" | Where-Object { $_.Trim() } | ForEach-Object { $ids.Add($_.Trim()) }
            }
            $null = Wait-Job -Job $runspaces -Timeout 120
            Receive-Job -Job $runspaces | ForEach-Object { $ids.Add($_) }
            Remove-Job -Job $runspaces -Force
        }
        finally { $env:OCTOPODS_SANDBOX_PATH = $script:SuiteSandbox }

        $ids | Should -HaveCount 600
        @($ids | Sort-Object -Unique) | Should -HaveCount 600
        # Every line whole: the header, then one line per send, none written over another.
        $lines = @(Get-Content -LiteralPath $store | Where-Object { $_ })
        $lines | Should -HaveCount 601
        ($lines[0] | ConvertFrom-Json).type | Should -Be 'octopods-sandbox'
        $records = @($lines | Select-Object -Skip 1 | ForEach-Object { $_ | ConvertFrom-Json })
        @($records.id | Sort-Object -Unique) | Should -HaveCount 600
        @($records.content | Sort-Object -Unique) | Should -HaveCount 600
        (@($records.id | Sort-Object) -join ',') | Should -BeExactly (@($ids | Sort-Object) -join ',')
    }
}

Describe 'Files the module writes are private, and the sandbox''s stays bounded' -Skip:$IsWindows {
    # On Windows the profile's ACLs already keep them to their owner.
    It 'creates the journal, the sandbox file and the settings file readable by their owner only' {
        $saved = @{ Sandbox = $env:OCTOPODS_SANDBOX_PATH; Config = $env:OCTOPODS_CONFIG_PATH }
        $env:OCTOPODS_SANDBOX_PATH = Join-Path $TestDrive 'private/sandbox.jsonl'
        $env:OCTOPODS_CONFIG_PATH = Join-Path $TestDrive 'private/settings.json'
        try {
            Disconnect-Octopods
            Connect-Octopods -Sandbox
            $journal = Join-Path $TestDrive 'private/campaign.jsonl'
            $null = [pscustomobject]@{ To = '+14155550170'; Message = 'private' } | Send-OctopodsSms -JournalPath $journal
            Set-OctopodsConfiguration -RequestTimeoutSeconds 45
            foreach ($file in $journal, $env:OCTOPODS_SANDBOX_PATH, $env:OCTOPODS_CONFIG_PATH) {
                (Get-Item -LiteralPath $file).UnixFileMode | Should -Be ([System.IO.UnixFileMode]'UserRead, UserWrite') -Because $file
            }
        }
        finally {
            Reset-OctopodsConfiguration -Confirm:$false -ErrorAction SilentlyContinue
            $env:OCTOPODS_SANDBOX_PATH = $saved.Sandbox
            $env:OCTOPODS_CONFIG_PATH = $saved.Config
            Disconnect-Octopods
        }
    }

    It 'keeps only the latest sends OCTOPODS_SANDBOX_KEEP says, and message ids go on' {
        $store = Join-Path $TestDrive 'bounded/sandbox.jsonl'
        $env:OCTOPODS_SANDBOX_PATH = $store
        $env:OCTOPODS_SANDBOX_KEEP = '50'
        try {
            Disconnect-Octopods
            Connect-Octopods -Sandbox
            $sent = @(1..800 | ForEach-Object { [pscustomobject]@{ To = '+1415556{0:D4}' -f $_; Message = "bounded $_" } } | Send-OctopodsSms -ThrottleLimit 16)
        }
        finally {
            $env:OCTOPODS_SANDBOX_PATH = $script:SuiteSandbox
            Remove-Item Env:OCTOPODS_SANDBOX_KEEP
            Disconnect-Octopods
        }
        $sent | Should -HaveCount 800
        @($sent.MessageId | Sort-Object -Unique) | Should -HaveCount 800
        $kept = @(Get-Content -LiteralPath $store | Select-Object -Skip 1)
        $kept.Count | Should -BeGreaterOrEqual 50
        $kept.Count | Should -BeLessThan 800 -Because 'the file was cut back to the latest sends'
        ($kept[-1] | ConvertFrom-Json).id | Should -Be 'msg_sbx_00000800'
    }
}

Describe 'A sandbox file that can no longer be written' {
    It 'still answers, and the send says the messages were not kept' {
        $folder = Join-Path $TestDrive 'vanishing'
        $env:OCTOPODS_SANDBOX_PATH = Join-Path $folder 'sandbox.jsonl'
        try {
            Disconnect-Octopods
            Connect-Octopods -Sandbox
            Remove-Item -LiteralPath $folder -Recurse -Force   # a cleanup job, an unmounted disk
            $sent = Send-OctopodsSms -To '+14155550150' -Body 'not kept' -WarningVariable warned -WarningAction SilentlyContinue
        }
        finally {
            $env:OCTOPODS_SANDBOX_PATH = $script:SuiteSandbox
            Disconnect-Octopods
        }
        $sent.MessageId | Should -BeLike 'msg_sbx_*'
        "$warned" | Should -BeLike '*could not keep them in its file*another session will not find them*'
    }
}

Describe 'A file that is not the sandbox''s' {
    BeforeEach {
        $script:Csv = Join-Path $TestDrive "customers-$([guid]::NewGuid().ToString('N')).csv"
        Set-Content -LiteralPath $script:Csv -Value 'Name,Phone', 'Ann,+14155550100'
        $script:Before = Get-Content -LiteralPath $script:Csv -Raw
    }

    It 'is refused by Connect-Octopods -Sandbox, untouched, with what to do' {
        $env:OCTOPODS_SANDBOX_PATH = $script:Csv
        try {
            Disconnect-Octopods
            $refused = $null
            try { Connect-Octopods -Sandbox -ErrorAction Stop }
            catch { $refused = $_ }
        }
        finally { $env:OCTOPODS_SANDBOX_PATH = $script:SuiteSandbox }
        $refused.FullyQualifiedErrorId | Should -BeLike 'Octopods.SandboxStoreNotOurs*'
        "$refused" | Should -BeLike "*$([IO.Path]::GetFileName($script:Csv))*not the sandbox's file*left untouched*"
        $refused.ErrorDetails.RecommendedAction | Should -BeLike '*OCTOPODS_SANDBOX_PATH*none*'
        Get-Content -LiteralPath $script:Csv -Raw | Should -BeExactly $script:Before
    }

    It 'is not deleted by Connect-Octopods -Sandbox -Reset' {
        $env:OCTOPODS_SANDBOX_PATH = $script:Csv
        try {
            Disconnect-Octopods
            { Connect-Octopods -Sandbox -Reset -ErrorAction Stop } | Should -Throw -ErrorId 'Octopods.SandboxStoreNotOurs*'
        }
        finally { $env:OCTOPODS_SANDBOX_PATH = $script:SuiteSandbox }
        Get-Content -LiteralPath $script:Csv -Raw | Should -BeExactly $script:Before
    }

    It 'a device is refused by name and left as it was' -Skip:$IsWindows {
        $mode = (Get-Item -LiteralPath '/dev/zero').UnixFileMode
        $env:OCTOPODS_SANDBOX_PATH = '/dev/zero'
        try {
            Disconnect-Octopods
            { Connect-Octopods -Sandbox -Reset -ErrorAction Stop } | Should -Throw -ErrorId 'Octopods.SandboxStoreUnusable*'
        }
        finally { $env:OCTOPODS_SANDBOX_PATH = $script:SuiteSandbox }
        (Get-Item -LiteralPath '/dev/zero').UnixFileMode | Should -Be $mode
        Test-Path -LiteralPath '/dev/zero.lock' | Should -BeFalse
    }
}

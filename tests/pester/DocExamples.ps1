<#
    Dot-sourced by Octopods.DocExamples.Tests.ps1: reads the example code blocks of docs/en-US, runs a
    document's blocks in one fresh pwsh as a user would type them, and compares what it printed with
    the output the document shows.

    A ```powershell block is an example. Its lines that start with "PS C:\> " (or "PS> ") are commands,
    continued while PowerShell's parser says the input is incomplete, as the console's ">>" prompt
    does; the lines up to the next prompt are the output the document promises. A block without
    prompts is a listing: it runs, and must write no error but the module's named ones (a bad row). A block preceded by the line
    "<!-- not run: <reason> -->" is not run; the reason says why (the PowerShell Gallery, Windows).
    One preceded by "<!-- tested apart: <test> -->" is not run with its document's other blocks
    because it needs a session of its own; the test named there runs it.
#>

$script:PromptPattern = '^PS(?: C:\\)?> ?'

# Every example block of one markdown file, with its commands and the output shown under each.
function Get-OctopodsDocExample {
    param([Parameter(Mandatory)] [string]$Path)
    $lines = @(Get-Content -LiteralPath $Path -Encoding utf8)
    $file = Split-Path -Leaf $Path
    $heading = $file
    $index = 0
    $blocks = [System.Collections.Generic.List[object]]::new()
    for ($i = 0; $i -lt $lines.Count; $i++) {
        if ($lines[$i] -match '^#{1,3} (.+)$') { $heading = $Matches[1]; continue }
        if ($lines[$i] -notmatch '^```powershell\s*$') { continue }
        $start = $i
        $body = [System.Collections.Generic.List[string]]::new()
        for ($i++; $i -lt $lines.Count -and $lines[$i] -notmatch '^```\s*$'; $i++) { $body.Add($lines[$i]) }
        $before = $start - 1
        while ($before -ge 0 -and -not $lines[$before].Trim()) { $before-- }
        $notRun = if ($before -ge 0 -and $lines[$before] -match '^<!-- not run: (.*?) ?-->$') { $Matches[1] }
        $apart = if ($before -ge 0 -and $lines[$before] -match '^<!-- tested apart: (.*?) ?-->$') { $Matches[1] }
        $index++
        $blocks.Add([pscustomobject]@{
                File     = $file
                Name     = "$heading (line $($start + 1))"
                Id       = $index
                NotRun   = $notRun
                Apart    = $apart
                Heading  = $heading
                Code     = ($body -join "`n")
                Commands = @(Split-DocBlock $body.ToArray() -FirstLine ($start + 1))
            })
    }
    $blocks.ToArray()
}

# The commands of one block: each with the text the document shows after it (Output, or $null for a
# listing, whose output the document does not show).
# OutputLine and OutputCount place the output in the file (0-based), for Update-DocExamples.ps1.
function Split-DocBlock([string[]]$Body, [int]$FirstLine) {
    if (-not ($Body -match $script:PromptPattern)) {
        return [pscustomobject]@{ Code = ($Body -join "`n"); Output = $null }
    }
    $i = 0
    while ($i -lt $Body.Count) {
        if ($Body[$i] -notmatch $script:PromptPattern) {
            throw "Line '$($Body[$i])' comes before the first prompt of its block; start the block with 'PS C:\> '."
        }
        $code = $Body[$i] -replace $script:PromptPattern
        $i++
        while ((Test-IncompleteInput $code) -and $i -lt $Body.Count -and $Body[$i] -notmatch $script:PromptPattern) {
            $code += "`n" + $Body[$i]
            $i++
        }
        $output = [System.Collections.Generic.List[string]]::new()
        $outputLine = $FirstLine + $i
        while ($i -lt $Body.Count -and $Body[$i] -notmatch $script:PromptPattern) { $output.Add($Body[$i]); $i++ }
        [pscustomobject]@{ Code = $code; Output = ($output -join "`n"); OutputLine = $outputLine; OutputCount = $output.Count }
    }
}

function Test-IncompleteInput([string]$Code) {
    $tokens = $errors = $null
    $null = [System.Management.Automation.Language.Parser]::ParseInput($Code, [ref]$tokens, [ref]$errors)
    [bool]@($errors | Where-Object IncompleteInput).Count
}

<#
    The script a fresh pwsh runs for one document: the preamble, then every command of every block
    that is run, each between markers, its output formatted at $Width columns as a console of that
    width shows it. Errors go to the same stream as the output, so their place among the lines is kept.
#>
function New-DocRunScript {
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseShouldProcessForStateChangingFunctions', '', Justification = 'Returns the text of a script; it changes nothing.')]
    param([object[]]$Blocks, [string]$Preamble, [int]$Width, [object[]]$Setup = @())
    $text = [System.Text.StringBuilder]::new()
    $null = $text.AppendLine('[Console]::SetError([Console]::Out)')
    $null = $text.AppendLine('$PSStyle.OutputRendering = ''PlainText''')
    $null = $text.AppendLine($Preamble)
    foreach ($block in $Blocks) {
        foreach ($step in $Setup | Where-Object { $_.Document -contains $block.File -and $block.Code -like $_.Block }) {
            # A set-up that fails would make the example fail for the wrong reason: it stops the session.
            $null = $text.AppendLine('try { $ErrorActionPreference = ''Stop''; . {').AppendLine($step.Script).AppendLine("} | Out-Null } catch { Write-Host ""<<<doc-setup-failed $($block.Id): `$(`$_.InvocationInfo.MyCommand): `$_>>>""; exit 3 } finally { `$ErrorActionPreference = 'Continue' }")
        }
        for ($c = 0; $c -lt $block.Commands.Count; $c++) {
            $null = $text.AppendLine("Write-Host '<<<doc-example $($block.Id).$c>>>'")
            $null = $text.AppendLine('$Error.Clear()')
            # Made from text, as the console makes what is typed: errors then read "Command: message",
            # without a script's line and column.
            $code = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($block.Commands[$c].Code))
            $null = $text.AppendLine(". ([scriptblock]::Create([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('$code')))) | Out-String -Stream -Width $Width")
            # Errors that are not Octopods' named ones (a command or parameter that does not exist).
            $null = $text.AppendLine('Write-Host "<<<doc-errors $(@($Error | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] -and $_.FullyQualifiedErrorId -notlike ''Octopods.*'' }).Count)>>>"')
        }
    }
    $null = $text.AppendLine("Write-Host '<<<doc-end>>>'")
    $text.ToString()
}

# What each command printed, keyed "<block>.<command>", with the number of errors it wrote that
# are not Octopods' own (those are the data's, and a listing may show them).
function Split-DocRunOutput([string[]]$Lines) {
    $results = @{}
    $key = $null
    $current = $null
    foreach ($line in $Lines) {
        if ($line -match '^<<<doc-example (\d+\.\d+)>>>$') { $key = $Matches[1]; $current = [System.Collections.Generic.List[string]]::new(); continue }
        if ($line -match '^<<<doc-errors (\d+)>>>$' -and $key) {
            $results[$key] = [pscustomobject]@{ Text = ($current -join "`n"); Errors = [int]$Matches[1] }
            $key = $null
            continue
        }
        if ($key) { $current.Add($line) }
    }
    $results
}

<#
    Output made comparable: what changes from run to run (times, milliseconds, durations, rates, row
    keys, the loopback address standing in for the service, the temporary folders standing in for
    C:\jobs and the user's home C:\Users\ann) is replaced by a token in both texts, then white space is collapsed,
    so a table's column widths or a line wrapped in the document do not matter, while every word and
    its order do.
#>
function ConvertTo-DocComparable {
    param([string]$Text, [string]$ServiceUri, [string]$WorkFolder, [string]$HomeFolder)
    if ($null -eq $Text) { return '' }
    $Text = ConvertTo-DocPath $Text -ServiceUri $ServiceUri -WorkFolder $WorkFolder -HomeFolder $HomeFolder
    $Text = $Text -replace '\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}:\d{2}(?: [AP]M)?(?: [+-]\d{2}:\d{2})?', '<time>'
    # The tables' short local times: yyyy-MM-dd HH:mm before today, HH:mm:ss today.
    $Text = $Text -replace '\b\d{4}-\d{2}-\d{2} \d{2}:\d{2}\b', '<time>'
    $Text = $Text -replace '\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z', '<time>'   # a campaign's log line
    $Text = $Text -replace '\b\d{2}:\d{2}:\d{2}\b', '<time>'
    # The campaign job's dated journal and stamped logs and archive.
    $Text = $Text -replace '-\d{4}-\d{2}-\d{2}(?:-\d{6})?\.jsonl\b', '-<date>.jsonl'
    $Text = $Text -replace '-\d{8}-\d{6}(-results|-errors)?\.csv\b', '-<stamp>$1.csv'
    $Text = $Text -replace '\b\d+ ms\b', '<n> ms'
    $Text = $Text -replace '\bin \d+(?:\.\d+)? s\b', 'in <n> s'
    $Text = $Text -replace '\bwaiting \d+(?:\.\d+)? s\b', 'waiting <n> s'
    $Text = $Text -replace '\(\d+(?:\.\d+)? sent/s\)', '(<n> sent/s)'
    # Sandbox ids count requests as they arrive; rows sent at once may arrive in either order.
    $Text = $Text -replace '\b(msg_sbx_|req_sbx_|wamid\.SBX)\d+', '$1<n>'
    # A journal names its rows with a random secret of its own, so a row key differs in every journal.
    $Text = $Text -replace '\b[0-9a-f]{64}\b', '<row key>'
    ($Text -replace '\s+', ' ').Trim()
}

<#
    The session a document's examples run in: the module on PSModulePath, Connect-Octopods -Sandbox
    (unless $DocConnect says otherwise), the CSV files the examples read (tests/pester/DocExamples),
    a HOME of its own (so a fresh SecretStore), and for the commands that name the real service, the
    emulator on loopback standing in for it (OCTOPODS_BASE_URI). Read-Host is answered as a user
    would: it shows the prompt, then a star per character typed.
#>
$script:DocWidth = 80
$script:DocConnect = @{ 'about_Octopods_Authentication.md' = '' }
$script:DocPreamble = @'
$ErrorActionPreference = 'Continue'
Import-Module Octopods -ErrorAction Stop
function global:Read-Host {
    param([Parameter(Position = 0)] [object]$Prompt, [switch]$AsSecureString, [switch]$MaskInput)
    $typed = 'sk_typed_at_the_prompt_012345678'
    if ($Prompt) { Write-Host "$($Prompt): " -NoNewline }
    if ($AsSecureString -or $MaskInput) {
        Write-Host ('*' * $typed.Length)
        if ($AsSecureString) { return [System.Net.NetworkCredential]::new('', $typed).SecurePassword }
    }
    else { Write-Host $typed }
    $typed
}
'@
# Set-up a block needs that its document leaves to the reader, run silently just before the block
# whose code is like Block.
$script:DocBlockSetup = @(
    @{
        # "A secret named Octopods.Sms in the default vault is used without Connect-Octopods."
        Document = 'Send-OctopodsSms.md'; Block = '*Set-Secret -Name Octopods.Sms*'
        Script = 'Disconnect-Octopods'
    }
    @{
        # "The latest messages": an account that has sent some.
        Document = 'Get-OctopodsWhatsAppMessage.md'; Block = 'PS C:\> Get-OctopodsWhatsAppMessage -First 3*'
        Script = '''+14155552671'', ''+14155550101'', ''+15005550001'' | ForEach-Object {
                        Send-OctopodsWhatsAppTemplate -TemplateId 1001 -To $_ -BodyVariable ''Ann'', ''ORD-1001'' -Wait }'
    }
    @{
        # "A channel that never sent": a sandbox without messages.
        Document = 'Get-OctopodsWhatsAppMessage.md'; Block = 'PS C:\> Get-OctopodsWhatsAppMessage -Verbose*'
        Script = 'Connect-Octopods -Sandbox -Reset'
    }
    @{
        # "In a scheduled job whose environment provides OCTOPODS_SMS_API_KEY": no session key.
        Document = 'Get-OctopodsConnection.md'; Block = 'PS C:\> Get-OctopodsConnection -Channel Sms*'
        Script = 'Disconnect-Octopods; $env:OCTOPODS_SMS_API_KEY = ''sk_from_the_job_environment'''
    }
    @{
        # The vaults the cmdlet documents name: SecretStore as the default vault "Octopods", set up
        # as a user would have (a password, unlocked for the session), and "AzKV" with its secret.
        Document = 'Connect-Octopods.md', 'Send-OctopodsSms.md'; Block = '*Set-Secret*'
        Script = 'if (-not (Get-SecretVault -Name Octopods -ErrorAction SilentlyContinue)) {
                        $storePassword = [System.Net.NetworkCredential]::new('''', ''doc-store-password'').SecurePassword
                        Reset-SecretStore -Password $storePassword -Authentication Password -Interaction None -Force
                        Register-SecretVault -Name Octopods -ModuleName Microsoft.PowerShell.SecretStore -DefaultVault
                        Unlock-SecretStore -Password $storePassword
                        Register-SecretVault -Name AzKV -ModuleName Microsoft.PowerShell.SecretStore
                        Set-Secret -Vault AzKV -Name Sms-Internal -Secret ''sk_internal''
                    }'
    }
    @{
        # What the user types at SecretStore's "choose a password" prompt on first use.
        Document = 'about_Octopods_Authentication.md'; Block = 'Set-Secret -Name Octopods.Sms -Secret (Read-Host*WhatsApp*'
        Script = '$storePassword = [System.Net.NetworkCredential]::new('''', ''doc-store-password'').SecurePassword
                    Reset-SecretStore -Password $storePassword -Authentication Password -Interaction None -Force
                    Unlock-SecretStore -Password $storePassword'
    }
    @{
        # The settings pages show a session as a user has it: OCTOPODS_BASE_URI (the loopback service
        # for the pages that send) is not set.
        Document = 'Set-OctopodsConfiguration.md', 'Get-OctopodsConfiguration.md', 'Reset-OctopodsConfiguration.md'; Block = '*'
        Script = '$env:OCTOPODS_BASE_URI = $null'
    }
    @{
        # The proxy's credential Example 1 stores with Get-Credential (which asks at the console), in
        # a default vault that needs no password.
        Document = 'Set-OctopodsConfiguration.md'; Block = '*-ProxySecretName CorpProxy*'
        Script = 'Reset-SecretStore -Authentication None -Interaction None -Force 3>$null
                    Register-SecretVault -Name Octopods -ModuleName Microsoft.PowerShell.SecretStore -DefaultVault
                    Set-Secret -Name CorpProxy -Secret ([pscredential]::new(''CORP\ann'', [System.Net.NetworkCredential]::new('''', ''proxy-password'').SecurePassword))'
    }
    @{
        # Another vault holding other keys: a second registration of the local store, named as the
        # document names an Azure Key Vault; SecretManagement treats every vault alike.
        Document = 'about_Octopods_Authentication.md'; Block = 'Connect-Octopods -Channel Sms -SecretName Sms-Production -Vault AzKV*'
        Script = 'Register-SecretVault -Name AzKV -ModuleName Microsoft.PowerShell.SecretStore
                    foreach ($name in ''Sms-Production'', ''Sms-Staging'', ''WhatsApp-Key'') { Set-Secret -Vault AzKV -Name $name -Secret "sk_$name" }'
    }
)

# A short folder for a session: Format-List wraps a value longer than the console at any character,
# and a wrapped path could not be shown as the reader's (C:\Users\ann\AppData\...). So not the
# temp folder, which is long on macOS and Windows runners.
function Get-DocWorkPath {
    $root = if ($env:OS -eq 'Windows_NT') { $env:SystemDrive + '\' } else { '/tmp' }
    Join-Path $root "od-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
}

# Runs blocks in one fresh pwsh with the environment above; returns what each command printed.
# Needs ModuleUnderTest.ps1 (Start-OctopodsTestServer) dot-sourced beside this file.
function Invoke-OctopodsDocSession {
    param(
        [Parameter(Mandatory)] [object[]]$Blocks,
        [Parameter(Mandatory)] [string]$ModulesRoot,
        [string]$Connect = 'Connect-Octopods -Sandbox',
        [string]$Preamble = $script:DocPreamble,
        [string]$Work = (Get-DocWorkPath)
    )
    $WhatIfPreference = $false   # a session's files are its own, whatever the caller rehearses
    $docHome = Join-Path $Work 'h'
    $jobs = Join-Path $Work 'jobs'
    $null = New-Item -ItemType Directory -Force -Path $docHome, $jobs
    Copy-Item -Path (Join-Path $PSScriptRoot 'DocExamples/*') -Destination $jobs -Recurse -Force
    $scriptPath = Join-Path $Work "session-$([guid]::NewGuid().ToString('N')).ps1"
    $text = New-DocRunScript -Blocks $Blocks -Preamble ($Preamble + "`nSet-Location -LiteralPath '$jobs'`n" + $Connect) -Width $script:DocWidth -Setup $script:DocBlockSetup
    Set-Content -LiteralPath $scriptPath -Value $text -Encoding utf8

    # The service's stand-in, the session's own, so the ids it gives do not depend on other sessions.
    $server = Start-OctopodsTestServer
    $ServiceUri = $server.Uri
    $environment = @{
        HOME = $docHome; XDG_CONFIG_HOME = "$docHome/.config"; XDG_DATA_HOME = "$docHome/.local/share"; XDG_CACHE_HOME = "$docHome/.cache"
        PSModulePath          = $ModulesRoot + [IO.Path]::PathSeparator + $env:PSModulePath
        OCTOPODS_SANDBOX_PATH = Join-Path $Work 'sandbox.jsonl'
        # The settings file where Windows keeps it, under the session's own home (shown as C:\Users\ann).
        OCTOPODS_CONFIG_PATH  = [IO.Path]::Combine($docHome, 'AppData', 'Roaming', 'Octopods', 'settings.json')
        OCTOPODS_OPTOUT_PATH  = [IO.Path]::Combine($docHome, 'AppData', 'Roaming', 'Octopods', 'optouts.json')
        OCTOPODS_BASE_URI     = $ServiceUri
        OCTOPODS_SMS_API_KEY = $null; OCTOPODS_WHATSAPP_API_KEY = $null; OCTOPODS_VIBER_API_KEY = $null
        TZ = 'UTC'; LC_ALL = 'C.UTF-8'; NO_COLOR = '1'
    }
    $saved = @{}
    foreach ($variable in $environment.Keys) { $saved[$variable] = [Environment]::GetEnvironmentVariable($variable); [Environment]::SetEnvironmentVariable($variable, $environment[$variable]) }
    try {
        $pwshDll = Join-Path $PSHOME 'pwsh.dll'
        $printed = if (Test-Path -LiteralPath $pwshDll) { & dotnet $pwshDll -NoProfile -NonInteractive -File $scriptPath 2>&1 }
        else { & (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive -File $scriptPath 2>&1 }
        $printed = @($printed | ForEach-Object { "$_" })
    }
    finally {
        foreach ($variable in $saved.Keys) { [Environment]::SetEnvironmentVariable($variable, $saved[$variable]) }
        Stop-OctopodsTestServer $server
    }
    [pscustomobject]@{
        Work = $Work; Home = $docHome; Jobs = (Resolve-Path -LiteralPath $jobs).ProviderPath; ServiceUri = $ServiceUri
        Printed = $printed; Results = (Split-DocRunOutput $printed)
    }
}

# The service and the session's folders as the reader knows them: https://app.octopods.io/,
# C:\jobs (the examples' working folder) and C:\Users\ann (the session's home, where its settings file is).
function ConvertTo-DocPath {
    param([string]$Text, [string]$ServiceUri, [string]$WorkFolder, [string]$HomeFolder)
    if ($ServiceUri) { $Text = $Text.Replace($ServiceUri, 'https://app.octopods.io/') }
    foreach ($folder in @(@($WorkFolder, 'C:\jobs'), @($HomeFolder, 'C:\Users\ann'))) {
        if (-not $folder[0]) { continue }
        $shown = $folder[1]
        $Text = [regex]::Replace($Text, [regex]::Escape($folder[0]) + '((?:[/\\][\w.-]+)*)', { $shown + ($args[0].Groups[1].Value -replace '/', '\') })
    }
    $Text
}

# $null when a command printed what the document shows, else the two texts side by side.
function Compare-DocOutput {
    param([object]$Command, [object]$Result, [string]$ServiceUri, [string]$JobsFolder, [string]$HomeFolder)
    $actual = ConvertTo-DocComparable $Result.Text -ServiceUri $ServiceUri -WorkFolder $JobsFolder -HomeFolder $HomeFolder
    $expected = ConvertTo-DocComparable $Command.Output
    # "..." ends an output the document shows only the start of.
    $same = if ($expected.EndsWith('...')) { $actual.StartsWith($expected.Substring(0, $expected.Length - 3).TrimEnd(), [StringComparison]::Ordinal) }
    else { $actual -ceq $expected }
    if ($same) { return $null }
    "the document shows this output for 'PS> $($Command.Code)':`n$($Command.Output)`n--- but it printed:`n$($Result.Text)`n---"
}

# A command's output as the document should show it: the service and the work folder as the
# reader knows them, no trailing spaces, no blank lines at the ends but one leading blank line
# where the console prints one.
function Format-DocOutput {
    param([string]$Text, [string]$ServiceUri, [string]$JobsFolder, [string]$HomeFolder)
    $Text = ConvertTo-DocPath $Text -ServiceUri $ServiceUri -WorkFolder $JobsFolder -HomeFolder $HomeFolder
    $lines = @($Text -split "`n" | ForEach-Object { $_.TrimEnd() })
    $leading = $lines.Count -and -not $lines[0]
    while ($lines.Count -and -not $lines[0]) { $lines = @($lines | Select-Object -Skip 1) }
    while ($lines.Count -and -not $lines[-1]) { $lines = @($lines | Select-Object -SkipLast 1) }
    if ($leading -and $lines.Count) { $lines = @('') + $lines }
    $lines
}

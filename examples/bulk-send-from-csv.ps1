<#
.SYNOPSIS
    Sends one SMS per CSV row, follows each to delivery, and logs results and rejected rows to CSV.

.DESCRIPTION
    Reads a CSV whose columns name the Send-OctopodsSms parameters: To (or Phone, PhoneNumber,
    Mobile, destination_phone), Message (or Body, Text), and optionally Name,
    open_intercom_conversation (true/false) and intercom_teammate_id. Every row is validated; bad
    rows are rejected with a named error and the run goes on. Accepted messages are followed with
    -Wait until they are Delivered, Failed or Undelivered (or -TimeoutSeconds passes).

    Two logs are written to -LogPath:
      <csv name>-<timestamp>-results.csv  one line per accepted message (id, number, final status, ...)
      <csv name>-<timestamp>-errors.csv   one line per rejected row: the row's own columns, its Row
                                          number, ErrorId (FullyQualifiedErrorId), ErrorCategory and
                                          ErrorMessage (what was wrong and what to do)

    The key comes from, first match wins: -SecretName/-Vault (a SecretManagement vault); Connect-Octopods
    earlier in this session; a secret named Octopods.Sms in the default vault; the environment
    variable OCTOPODS_SMS_API_KEY; or -Sandbox to try the script offline. For unattended jobs,
    -SecretStorePasswordPath unlocks a SecretStore vault configured with -Interaction None first
    (see Get-Help about_Octopods_Authentication, and the scheduled-task, systemd and cron examples).

    Exit codes: 0 every row was delivered; 1 at least one row was rejected, failed, undelivered or
    still pending at the timeout; 2 the run could not start or stopped (no key, unreadable CSV, ...).

.PARAMETER CsvPath
    The CSV file to send from.

.PARAMETER DefaultRegion
    Region (US, GB, IE, ...) used to convert numbers written in national form, such as (415) 555-2671.
    Without it, numbers must be in E.164 form (+14155552671).

.PARAMETER LogPath
    Folder for the two log files. Default: a 'logs' folder beside the CSV.

.PARAMETER TimeoutSeconds
    How long to follow the messages before logging the ones still moving as pending.

.PARAMETER RatePerSecond
    Pace the sends to at most this many per second (about 1 for a US long code). Default: no pacing.

.PARAMETER JournalPath
    A journal file (JSON lines) that makes the run resumable: run the script again with the same
    journal after a reboot and rows already accepted are not sent again. See about_Octopods_BulkSend.

.PARAMETER JournalFolder
    A folder for a dated journal, <csv name>-<yyyy-MM-dd>.jsonl, for scheduled runs: a run repeated
    the same day (after a crash, a reboot, or a timer catching up) resumes it and sends no row twice;
    the next day starts a new one. Ignored when -JournalPath is given.

.PARAMETER ArchivePath
    A folder the CSV is moved to, as <name>-<yyyyMMdd-HHmmss>.csv, once its rows have all been
    handled (exit code 0 or 1), so the next scheduled run cannot pick the same file up. A run that
    stopped (exit code 2) leaves it in place to be resumed. With -ArchivePath a missing CSV is not an
    error: the outbox is empty, the run says so and exits 0.

.PARAMETER Sandbox
    Send to the module's built-in sandbox instead of Octopods: nothing leaves the machine.

.PARAMETER SecretName
    The SecretManagement secret that holds the SMS channel key. Without it, a secret named
    Octopods.Sms in the default vault is used when there is one, then OCTOPODS_SMS_API_KEY.

.PARAMETER Vault
    The vault of -SecretName. Default: the default vault.

.PARAMETER SecretStorePasswordPath
    A file holding the SecretStore password, read to run Unlock-SecretStore before sending, for jobs
    that cannot answer a prompt. A .clixml file is read with Import-Clixml (a SecureString that
    Export-Clixml protected with DPAPI on Windows); any other file is read as text, such as a
    systemd credential ($env:CREDENTIALS_DIRECTORY/store-password) or a file only the job's account
    can read (chmod 600).

.EXAMPLE
    ./examples/bulk-send-from-csv.ps1 -CsvPath ./examples/customers.csv -Sandbox
    Tries the sample file against the sandbox; one of its numbers ends Failed on purpose, so the exit code is 1.

.EXAMPLE
    $env:OCTOPODS_SMS_API_KEY = '<key from the SMS channel settings>'   # or set it in the task's environment
    ./bulk-send-from-csv.ps1 -CsvPath D:\campaigns\reminders.csv -DefaultRegion US -LogPath D:\campaigns\logs

.EXAMPLE
    ./bulk-send-from-csv.ps1 -CsvPath D:\campaigns\reminders.csv -SecretName Octopods.Sms -SecretStorePasswordPath D:\octopods\store-password.clixml
    What the scheduled task in examples/scheduled-task runs: unlock SecretStore without a prompt, then send.

.EXAMPLE
    ./bulk-send-from-csv.ps1 -CsvPath /var/lib/octopods/outbox.csv -JournalFolder /var/lib/octopods/journal -ArchivePath /var/lib/octopods/sent -SecretName Octopods.Sms -SecretStorePasswordPath /var/lib/octopods/store-password
    What the systemd, cron and scheduled-task examples run: a dated journal (a second run the same day sends nothing twice), and the CSV moved to the archive when done.

.EXAMPLE
    ./bulk-send-from-csv.ps1 -CsvPath ./reminders.csv -WhatIf
    Validates every row and shows what would be sent, without sending.
#>
[CmdletBinding(SupportsShouldProcess)]
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSAvoidUsingWriteHost', '', Justification = 'A scheduled job: its lines are the run''s log for the console, transcript or journal; the script returns no objects.')]
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSAvoidUsingPlainTextForPassword', 'SecretStorePasswordPath', Justification = 'The path of the file that holds the password, not the password.')]
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSAvoidUsingConvertToSecureStringWithPlainText', '', Justification = 'A job has no one to type the store password: it reads it from a file only the job account can read (a CLIXML file, also taken, is encrypted on Windows).')]
param(
    [Parameter(Mandatory, Position = 0)]
    [string]$CsvPath,

    [string]$DefaultRegion,

    [string]$LogPath,

    [ValidateRange(1, 86400)]
    [int]$TimeoutSeconds = 300,

    [double]$RatePerSecond,

    [string]$JournalPath,

    [string]$JournalFolder,

    [string]$ArchivePath,

    [switch]$Sandbox,

    [string]$SecretName,

    [string]$Vault,

    [ValidateScript({ Test-Path -LiteralPath $_ -PathType Leaf })]
    [string]$SecretStorePasswordPath
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

if (-not (Test-Path -LiteralPath $CsvPath -PathType Leaf)) {
    # A scheduled run finds the outbox empty once the last one was archived: nothing to do.
    if ($ArchivePath) {
        Write-Host "Nothing to send: there is no $CsvPath (the last one was archived to $ArchivePath)."
        exit 0
    }
    Write-Host "Bulk send stopped: the CSV file $CsvPath does not exist. Check -CsvPath." -ForegroundColor Red
    exit 2
}

try {
    Import-Module -Name Octopods -ErrorAction Stop
    if ($Sandbox) { Connect-Octopods -Sandbox }
    if ($SecretStorePasswordPath) {
        # A job has no one to type the store's password: read it from a file only this account can read.
        $password = if ($SecretStorePasswordPath -like '*.clixml') {
            Import-Clixml -LiteralPath $SecretStorePasswordPath
        }
        else {
            ConvertTo-SecureString -String (Get-Content -LiteralPath $SecretStorePasswordPath -Raw).TrimEnd("`r", "`n") -AsPlainText -Force
        }
        Microsoft.PowerShell.SecretStore\Unlock-SecretStore -Password $password
        Remove-Variable -Name password
    }
    if ($SecretName) {
        # Read once here so a missing secret stops the run before any row is read.
        $connectParameters = @{ Channel = 'Sms'; SecretName = $SecretName }
        if ($Vault) { $connectParameters.Vault = $Vault }
        Connect-Octopods @connectParameters
    }
    $CsvPath = (Resolve-Path -LiteralPath $CsvPath).ProviderPath

    # Number the rows (1 = first data row) so a rejected row can be found in the file again.
    # Send-OctopodsSms binds only the columns it knows, so the extra Row column goes along unused.
    $rowNumber = 0
    $rows = @(Import-Csv -LiteralPath $CsvPath -Encoding UTF8 | ForEach-Object {
            $rowNumber++
            $_ | Add-Member -NotePropertyName Row -NotePropertyValue $rowNumber -PassThru
        })
    Write-Host "Sending $($rows.Count) row(s) from $CsvPath"

    # -WhatIf and -Confirm given to this script reach Send-OctopodsSms through $WhatIfPreference and
    # $ConfirmPreference: -WhatIf validates every row and sends nothing.
    $sendParameters = @{
        Wait           = $true
        TimeoutSeconds = $TimeoutSeconds
        ErrorVariable  = 'rejected'
        ErrorAction    = 'SilentlyContinue'   # rejected rows are collected, logged and counted below
    }
    if ($DefaultRegion) { $sendParameters.DefaultRegion = $DefaultRegion }
    if ($RatePerSecond) { $sendParameters.RatePerSecond = $RatePerSecond }
    if (-not $JournalPath -and $JournalFolder) {
        # One journal per file and day: a run repeated the same day resumes it.
        $null = New-Item -ItemType Directory -Path $JournalFolder -Force
        $JournalPath = Join-Path $JournalFolder ('{0}-{1:yyyy-MM-dd}.jsonl' -f [System.IO.Path]::GetFileNameWithoutExtension($CsvPath), (Get-Date))
    }
    if ($JournalPath) {
        $sendParameters.JournalPath = $JournalPath
        Write-Host "Journal: $JournalPath (a run repeated with it sends no row twice)"
    }
    $sendParameters.TotalCount = [Math]::Max(1, $rows.Count)   # percentage and time left on the progress bar
    $results = @($rows | Send-OctopodsSms @sendParameters)

    $rowLabel = {
        param($record)
        $row = $record.TargetObject
        if ($row -is [System.Management.Automation.PSObject] -and $row.PSObject.Properties.Match('Row').Count -gt 0) { "row $($row.Row)" } else { "input '$row'" }
    }
    if ($WhatIfPreference) {
        Write-Host "WhatIf: $($rows.Count - $rejected.Count) row(s) would be sent, $($rejected.Count) rejected."
        foreach ($record in $rejected) { Write-Warning "$(& $rowLabel $record): $($record.Exception.Message)" }
        exit ([int]($rejected.Count -gt 0))
    }

    if (-not $LogPath) { $LogPath = Join-Path (Split-Path -Parent $CsvPath) 'logs' }
    $null = New-Item -ItemType Directory -Path $LogPath -Force
    $stamp = Get-Date -Format 'yyyyMMdd-HHmmss'
    $baseName = [System.IO.Path]::GetFileNameWithoutExtension($CsvPath)
    $resultsLog = Join-Path $LogPath "$baseName-$stamp-results.csv"
    $errorsLog = Join-Path $LogPath "$baseName-$stamp-errors.csv"

    # Results log: one line per accepted message; times in ISO 8601 UTC whatever the culture.
    if ($results.Count -gt 0) {
        $columns = @(
            'MessageId', 'PhoneNumber', 'DestinationUserName', 'Status', 'IsTerminal', 'FailureReason', 'Segments', 'Encoding'
            @{ Name = 'SentAt'; Expression = { if ($_.SentAt) { $_.SentAt.ToString('o') } } }
            @{ Name = 'DeliveredAt'; Expression = { if ($_.DeliveredAt) { $_.DeliveredAt.ToString('o') } } }
            'RequestId'
        )
        $results | Select-Object -Property $columns | Export-Csv -LiteralPath $resultsLog -NoTypeInformation -Encoding UTF8
        Write-Host "Results: $resultsLog"
    }

    # Errors log: the row as it was read (TargetObject), plus what was wrong with it.
    if ($rejected.Count -gt 0) {
        $rejected | ForEach-Object {
            $line = [ordered]@{}
            $row = $_.TargetObject
            if ($row -is [System.Management.Automation.PSObject] -and $row.PSObject.Properties.Match('Row').Count -gt 0) {
                foreach ($property in $row.PSObject.Properties) { $line[$property.Name] = $property.Value }
            }
            else {
                $line['Input'] = "$row"
            }
            # Error* names, so they never collide with the row's own Message column.
            $line['ErrorId'] = $_.FullyQualifiedErrorId
            $line['ErrorCategory'] = "$($_.CategoryInfo.Category)"
            $line['ErrorMessage'] = $_.Exception.Message   # what was wrong and what to do
            [pscustomobject]$line
        } | Export-Csv -LiteralPath $errorsLog -NoTypeInformation -Encoding UTF8
        Write-Host "Errors:  $errorsLog"
    }

    $delivered = @($results | Where-Object { $_.Status -eq 'Delivered' })
    $notDelivered = @($results | Where-Object { $_.IsTerminal -and $_.Status -ne 'Delivered' })
    $pending = @($results | Where-Object { -not $_.IsTerminal })
    Write-Host ('{0} row(s): {1} delivered, {2} failed or undelivered, {3} pending, {4} rejected.' -f
        $rows.Count, $delivered.Count, $notDelivered.Count, $pending.Count, $rejected.Count)
    foreach ($result in $notDelivered) {
        Write-Warning "$($result.PhoneNumber) ($($result.MessageId)): $($result.Status) - $($result.FailureReason)"
    }
    foreach ($record in $rejected) {
        Write-Warning "$(& $rowLabel $record): $($record.FullyQualifiedErrorId.Split(',')[0]) - $($record.Exception.Message)"
    }

    $fromJournal = @($results | Where-Object { $_.FromJournal })
    if ($fromJournal.Count -gt 0) { Write-Host "$($fromJournal.Count) row(s) had been sent by an earlier run (journal): not sent again." }

    if ($ArchivePath) {
        # Every row is handled (a result or a logged error): the file must not be picked up again.
        $null = New-Item -ItemType Directory -Path $ArchivePath -Force
        $archived = Join-Path $ArchivePath ('{0}-{1}{2}' -f $baseName, $stamp, [System.IO.Path]::GetExtension($CsvPath))
        Move-Item -LiteralPath $CsvPath -Destination $archived
        Write-Host "Archived: $archived"
    }

    if ($notDelivered.Count + $pending.Count + $rejected.Count -gt 0) { exit 1 }
    exit 0
}
catch {
    # Not connected, unreadable CSV, log folder not writable, Ctrl+C...: nothing more can be done.
    Write-Host "Bulk send stopped: $($_.Exception.Message)" -ForegroundColor Red
    exit 2
}

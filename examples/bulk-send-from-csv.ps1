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

    The work is the module's Invoke-OctopodsCampaign command, installed with it (Get-Help
    Invoke-OctopodsCampaign): this script only turns its run into the process's exit code. A job can
    do the same without this file:
        pwsh -NoProfile -NonInteractive -Command 'try { exit (Invoke-OctopodsCampaign -CsvPath ./outbox.csv).ExitCode } catch { exit 2 }'

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
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSReviewUnusedParameter', '', Justification = 'Every parameter reaches Invoke-OctopodsCampaign through $PSBoundParameters.')]
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

try {
    Import-Module -Name Octopods -ErrorAction Stop
}
catch {
    Write-Host "Bulk send stopped: the Octopods module could not be imported ($($_.Exception.Message)). Install it: Install-PSResource Octopods." -ForegroundColor Red
    exit 2
}
try {
    $run = Invoke-OctopodsCampaign @PSBoundParameters -ErrorAction Stop
}
catch {
    # The command could not run at all (a parameter it refused, say): the run could not start.
    Write-Host "Bulk send stopped: $($_.Exception.Message)" -ForegroundColor Red
    exit 2
}
exit $(if ($run) { $run.ExitCode } else { 2 })

<#
.SYNOPSIS
    Registers a Windows scheduled task that sends SMS from a CSV file every day, as a service
    account, with the key read from a SecretStore vault that never prompts.

.DESCRIPTION
    The task runs PowerShell 7 (pwsh.exe) without a profile or a console and calls the module's
    Invoke-OctopodsCampaign, which unlocks SecretStore from a password file, sends one SMS
    per row, follows them to delivery, and writes a results log and an errors log beside the CSV
    (or in -LogPath). The task's own output goes to a transcript in the same folder. Each day's
    runs share a journal in -JournalFolder, so a run repeated the same day (StartWhenAvailable
    catching up, a manual start after a crash) sends no row twice; a handled CSV is moved to
    -ArchivePath, so the next day's run does not send it again.

    Prepare the service account ONCE, in a PowerShell 7 window started as that account
    (runas /user:CONTOSO\svc-octopods pwsh.exe):

        Install-PSResource Microsoft.PowerShell.SecretManagement, Microsoft.PowerShell.SecretStore -Scope CurrentUser -TrustRepository
        # The module's package (build.ps1 -Task Package: out\feed\Octopods.<version>.nupkg), copied to D:\octopods\feed.
        # Without PSResourceGet: extract Octopods.<version>.zip into Documents\PowerShell\Modules instead.
        Register-PSResourceRepository -Name OctopodsLocal -Uri D:\octopods\feed -Trusted
        Install-PSResource Octopods -Repository OctopodsLocal -Scope CurrentUser
        $password = Read-Host -AsSecureString 'New SecretStore password'
        New-Item -ItemType Directory -Path D:\octopods -Force
        $password | Export-Clixml -Path D:\octopods\store-password.clixml   # DPAPI: only this account on this machine can read it
        # The job account's own store, never prompting: Reset-SecretStore makes it (and empties any it had).
        Reset-SecretStore -Password $password -Authentication Password -Interaction None -Force
        Register-SecretVault -Name Octopods -ModuleName Microsoft.PowerShell.SecretStore -DefaultVault
        Unlock-SecretStore -Password $password   # a new store starts locked: Set-Secret would ask for the password
        Set-Secret -Name Octopods.Sms -Secret (Read-Host -AsSecureString 'SMS channel key')

    -Interaction None makes a locked store fail at once (Octopods.VaultLocked) instead of waiting
    for a prompt no one will answer; the job unlocks it with the password file first. Then run this
    script, as an administrator, to register the task.

.PARAMETER TaskName
    The task's name in Task Scheduler (under the \Octopods\ folder).

.PARAMETER CsvPath
    The CSV file the task sends from (columns To, Message, and optionally Name).

.PARAMETER LogPath
    Folder for the results log, the errors log and the transcript. Default: a 'logs' folder beside the CSV.

.PARAMETER JournalFolder
    Folder for the daily journals. Default: a 'journal' folder beside the CSV.

.PARAMETER ArchivePath
    Folder the handled CSV is moved to. Default: a 'sent' folder beside the CSV.

.PARAMETER Credential
    The service account and its password. Task Scheduler stores the password to run the task
    whether or not the account is logged on.

.PARAMETER GroupManagedServiceAccount
    A group managed service account (CONTOSO\svc-octopods$) instead of -Credential: no password to store.

.PARAMETER At
    The time of day the task runs. Default: 08:00.

.PARAMETER SecretName
    The secret that holds the SMS key. Default: Octopods.Sms.

.PARAMETER SecretStorePasswordPath
    The file written with Export-Clixml during the preparation above.

.PARAMETER DefaultRegion
    Region for numbers written in national form, such as US for (415) 555-2671.

.EXAMPLE
    ./Register-OctopodsSendTask.ps1 -CsvPath D:\campaigns\reminders.csv -Credential (Get-Credential CONTOSO\svc-octopods) -SecretStorePasswordPath D:\octopods\store-password.clixml

.EXAMPLE
    ./Register-OctopodsSendTask.ps1 -CsvPath D:\campaigns\reminders.csv -GroupManagedServiceAccount 'CONTOSO\svc-octopods$' -SecretStorePasswordPath D:\octopods\store-password.clixml -At 07:30 -WhatIf
    Shows the task that would be registered.
#>
#Requires -Version 5.1
[CmdletBinding(SupportsShouldProcess, DefaultParameterSetName = 'Credential')]
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSAvoidUsingPlainTextForPassword', 'SecretStorePasswordPath', Justification = 'The path of the file that holds the password, not the password.')]
param(
    [string]$TaskName = 'Octopods SMS from CSV',

    [Parameter(Mandatory)]
    [string]$CsvPath,

    [string]$LogPath,

    [string]$JournalFolder,

    [string]$ArchivePath,

    [Parameter(Mandatory, ParameterSetName = 'Credential')]
    [pscredential]$Credential,

    [Parameter(Mandatory, ParameterSetName = 'Gmsa')]
    [ValidatePattern('\$$')]
    [string]$GroupManagedServiceAccount,

    [datetime]$At = '08:00',

    [string]$SecretName = 'Octopods.Sms',

    [Parameter(Mandatory)]
    [string]$SecretStorePasswordPath,

    [string]$DefaultRegion
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

$pwsh = (Get-Command -Name pwsh.exe -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1).Source
if (-not $pwsh) { throw 'pwsh.exe (PowerShell 7) was not found on PATH. Install it: winget install Microsoft.PowerShell' }
if (-not $LogPath) { $LogPath = Join-Path (Split-Path -Parent $CsvPath) 'logs' }
if (-not $JournalFolder) { $JournalFolder = Join-Path (Split-Path -Parent $CsvPath) 'journal' }
if (-not $ArchivePath) { $ArchivePath = Join-Path (Split-Path -Parent $CsvPath) 'sent' }

# The job: a transcript around the module's campaign job, so the task's own messages are kept too.
# The task's result is the run's ExitCode: 0 all delivered, 1 some rows not delivered, 2 the run could not start.
$command = @(
    '& {{ Start-Transcript -Path (Join-Path ''{0}'' (''task-{{0:yyyyMMdd-HHmmss}}.log'' -f (Get-Date))) | Out-Null'
    '$run = Invoke-OctopodsCampaign -CsvPath ''{2}'' -LogPath ''{0}'' -JournalFolder ''{6}'' -ArchivePath ''{7}'' -SecretName ''{3}'' -SecretStorePasswordPath ''{4}''{5}'
    '$code = if ($run) {{ $run.ExitCode }} else {{ 2 }}; Stop-Transcript | Out-Null; exit $code }}'
) -join '; '
$regionArgument = if ($DefaultRegion) { " -DefaultRegion '$DefaultRegion'" } else { '' }
$arguments = @(
    '-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-Command',
    ($command -f $LogPath, $null, $CsvPath, $SecretName, $SecretStorePasswordPath, $regionArgument, $JournalFolder, $ArchivePath)
) -join ' '

$action = New-ScheduledTaskAction -Execute $pwsh -Argument $arguments -WorkingDirectory (Split-Path -Parent $CsvPath)
$trigger = New-ScheduledTaskTrigger -Daily -At $At
# One run at a time; stop a run that hangs; no battery conditions on a server.
$settings = New-ScheduledTaskSettingsSet -MultipleInstances IgnoreNew -ExecutionTimeLimit (New-TimeSpan -Hours 4) `
    -AllowStartIfOnBatteries -DontStopIfGoingOnBatteries -StartWhenAvailable

if ($PSCmdlet.ShouldProcess("\Octopods\$TaskName", "Register a daily task at $($At.ToString('HH:mm')) running: $pwsh $arguments")) {
    if ($PSCmdlet.ParameterSetName -eq 'Gmsa') {
        $principal = New-ScheduledTaskPrincipal -UserId $GroupManagedServiceAccount -LogonType Password -RunLevel Limited
        Register-ScheduledTask -TaskPath '\Octopods\' -TaskName $TaskName -Action $action -Trigger $trigger -Settings $settings -Principal $principal -Force
    }
    else {
        # Register-ScheduledTask takes the password as text; it goes to Task Scheduler's protected store only.
        Register-ScheduledTask -TaskPath '\Octopods\' -TaskName $TaskName -Action $action -Trigger $trigger -Settings $settings `
            -User $Credential.UserName -Password $Credential.GetNetworkCredential().Password -RunLevel Limited -Force
    }
    # Advice for the person at the console, beside the task object returned above (6> captures it).
    Write-Information -InformationAction Continue -MessageData "Registered \Octopods\$TaskName. Try it now: Start-ScheduledTask -TaskPath '\Octopods\' -TaskName '$TaskName'; logs go to $LogPath"
}

# The campaign job: one scheduled run of an SMS campaign from a CSV file, as Task Scheduler, cron and
# systemd run it. A script function, not a cmdlet: it only composes the module's cmdlets (connect,
# send with a dated journal, follow, log, archive) and turns the run into an exit code, which is a
# job's contract. Dot-sourced by Octopods.psm1; its help is docs/en-US/Invoke-OctopodsCampaign.md.

function Invoke-OctopodsCampaign {
    # .ExternalHelp Octopods.PowerShell.dll-Help.xml
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium', HelpUri = 'https://github.com/octopods-powershell/Octopods/blob/main/docs/en-US/Invoke-OctopodsCampaign.md')]
    [OutputType('Octopods.CampaignRun')]
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSAvoidUsingWriteHost', '', Justification = 'A scheduled job''s lines are its log for the console, a transcript, cron''s mail or the systemd journal; the run''s object goes to the pipeline.')]
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSAvoidUsingPlainTextForPassword', 'SecretStorePasswordPath', Justification = 'The path of the file that holds the password, not the password.')]
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSAvoidUsingConvertToSecureStringWithPlainText', '', Justification = 'A job has no one to type the store password: it reads it from a file only the job account can read (a CLIXML file, also taken, is encrypted on Windows).')]
    param(
        [Parameter(Mandatory, Position = 0)]
        [ValidateNotNullOrEmpty()]
        [string]$CsvPath,

        [string]$JournalFolder,

        [string]$JournalPath,

        [string]$ArchivePath,

        [string]$LogPath,

        [string]$DefaultRegion,

        [ValidateRange(0.001, 100000.0)]
        [double]$RatePerSecond,

        [ValidateRange(0, 86400)]
        [int]$TimeoutSeconds = 300,

        [string[]]$TrackingProperty,

        [switch]$Sandbox,

        [string]$SecretName,

        [string]$Vault,

        [string]$SecretStorePasswordPath
    )

    # Inside the job every failure is the run's: it stops, is logged, and the exit code says 2.
    $ErrorActionPreference = 'Stop'
    $started = [DateTimeOffset]::UtcNow
    # Folders as full paths (from the current location), so the log lines say where things went.
    foreach ($name in 'JournalFolder', 'JournalPath', 'ArchivePath', 'LogPath') {
        $value = Get-Variable -Name $name -ValueOnly
        if ($value) { Set-Variable -Name $name -Value $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($value) }
    }
    $run = [ordered]@{
        PSTypeName = 'Octopods.CampaignRun'
        CsvPath = $CsvPath; ExitCode = 2; Rows = 0; Sent = 0; FromJournal = 0; Delivered = 0; NotDelivered = 0; Pending = 0; Rejected = 0; OptedOut = 0
        JournalPath = $null; ResultsLog = $null; ErrorsLog = $null; ArchivedTo = $null; Message = ''
    }
    # One line per run in <LogPath>/campaign.log (and on the host), whatever the outcome: the job's own record.
    $finish = {
        param([int]$Code, [string]$Text)
        $run.ExitCode = $Code
        $run.Message = $Text
        $line = '{0:yyyy-MM-ddTHH:mm:ssZ} {1}: exit {2}: {3}' -f $started.UtcDateTime, $CsvPath, $Code, $Text
        Write-Host $line
        if ($logFolder -and -not $WhatIfPreference) {
            try { Add-Content -LiteralPath (Join-Path $logFolder 'campaign.log') -Value $line -Encoding UTF8 -WhatIf:$false -ErrorAction Stop }
            catch { Write-Warning "The run's log line could not be written to $logFolder ($($_.Exception.Message))." }
        }
        [pscustomobject]$run
    }
    $logFolder = $null

    $csvItem = Get-Item -LiteralPath $CsvPath -ErrorAction Ignore
    if (-not $csvItem -or $csvItem.PSIsContainer) {
        if ($LogPath) { $logFolder = $LogPath }
        # A scheduled run finds the outbox empty once the last one was archived: nothing to do.
        if ($ArchivePath -and -not $csvItem) { return & $finish 0 "Nothing to send: there is no $CsvPath (the last one was archived to $ArchivePath)." }
        return & $finish 2 "The run could not start: the CSV file $CsvPath does not exist. Check -CsvPath."
    }
    $CsvPath = $csvItem.FullName
    $run.CsvPath = $CsvPath
    $baseName = [IO.Path]::GetFileNameWithoutExtension($CsvPath)
    $logFolder = if ($LogPath) { $LogPath } else { Join-Path $csvItem.DirectoryName 'logs' }

    try {
        if (-not $WhatIfPreference) { $null = New-Item -ItemType Directory -Path $logFolder -Force -WhatIf:$false }
        if ($Sandbox) { Connect-Octopods -Sandbox }
        if ($SecretStorePasswordPath) {
            # A job has no one to type the store's password: read it from a file only this account can read.
            $password = if ($SecretStorePasswordPath -like '*.clixml') { Import-Clixml -LiteralPath $SecretStorePasswordPath }
            else { ConvertTo-SecureString -String (Get-Content -LiteralPath $SecretStorePasswordPath -Raw -ErrorAction Stop).TrimEnd("`r", "`n") -AsPlainText -Force }
            Microsoft.PowerShell.SecretStore\Unlock-SecretStore -Password $password -ErrorAction Stop
            Remove-Variable -Name password
        }
        if ($SecretName) {
            # Read once here, so a missing secret stops the run before any row is read.
            $connect = @{ Channel = 'Sms'; SecretName = $SecretName; ErrorAction = 'Stop' }
            if ($Vault) { $connect.Vault = $Vault }
            Connect-Octopods @connect
        }

        $rows = @(Import-Csv -LiteralPath $CsvPath -Encoding UTF8 -ErrorAction Stop)
        $run.Rows = $rows.Count
        Write-Host "Sending $($rows.Count) row(s) from $CsvPath"

        $marker = $null
        if (-not $JournalPath) {
            # The file's journal stays the same until every row is handled: a run that stopped (exit 2) is
            # resumed by the next one, whatever the day, through a marker naming the journal in use.
            # Otherwise a new journal: with -ArchivePath one per file dropped in the outbox, without it one
            # per day, so a run repeated the same day resumes and the next day's starts afresh.
            $folder = if ($JournalFolder) { $JournalFolder } else { Join-Path $csvItem.DirectoryName 'journal' }
            if (-not $WhatIfPreference) { $null = New-Item -ItemType Directory -Path $folder -Force -WhatIf:$false }
            $marker = Join-Path $folder ".$baseName.journal"
            $inUse = if (Test-Path -LiteralPath $marker -PathType Leaf) { (Get-Content -LiteralPath $marker -Raw).Trim() }
            $JournalPath = if ($inUse -and (Test-Path -LiteralPath $inUse -PathType Leaf)) { $inUse }
            elseif ($ArchivePath) { Join-Path $folder ('{0}-{1:yyyy-MM-dd-HHmmss}.jsonl' -f $baseName, (Get-Date)) }
            else { Join-Path $folder ('{0}-{1:yyyy-MM-dd}.jsonl' -f $baseName, (Get-Date)) }
            # -Force: the marker is a hidden file (a dot file on Linux and macOS).
            if (-not $WhatIfPreference) { Set-Content -LiteralPath $marker -Value $JournalPath -Encoding UTF8 -Force -WhatIf:$false }
        }
        $run.JournalPath = $JournalPath
        if (-not $WhatIfPreference) { Write-Host "Journal: $JournalPath (a run repeated with it sends no row twice)" }

        # -WhatIf and -Confirm reach Send-OctopodsSms through $WhatIfPreference and $ConfirmPreference.
        $send = @{
            JournalPath         = $JournalPath
            TotalCount          = [Math]::Max(1, $rows.Count)
            ErrorVariable       = 'rejected'
            ErrorAction         = 'SilentlyContinue'   # each rejected row is logged and counted below
            InformationVariable = 'told'               # the run's summary: did it stop before every row was tried?
        }
        if ($TimeoutSeconds -gt 0) { $send.Wait = $true; $send.TimeoutSeconds = $TimeoutSeconds }
        if ($DefaultRegion) { $send.DefaultRegion = $DefaultRegion }
        if ($RatePerSecond) { $send.RatePerSecond = $RatePerSecond }
        if ($TrackingProperty) { $send.TrackingProperty = $TrackingProperty }
        $results = @($rows | Send-OctopodsSms @send)
        $rejected = @($rejected | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        # The run stopped before every row was tried (the key refused, the service down, the 429 budget
        # spent, the journal unwritable): those errors are the run's, not the rows', and the file stays.
        $stoppedBy = @($rejected | Where-Object { $_.FullyQualifiedErrorId -match '^Octopods\.(Unauthorized|KeyRefusedStop|ServiceOutage|RateLimitBlocked|JournalUnavailable),' })
        $rejected = @($rejected | Where-Object { $_ -notin $stoppedBy })
        $run.Rejected = $rejected.Count
        # A number on the opt-out list is handled as it must be: not sent, and no failure of the run.
        $run.OptedOut = @($rejected | Where-Object { $_.FullyQualifiedErrorId -like 'Octopods.RecipientOptedOut,*' }).Count
        $summary = @($told | Where-Object { $_.Tags -contains 'Summary' } | ForEach-Object MessageData) | Select-Object -Last 1
        $untried = if ($summary) { $summary.NotAttempted } else { 0 }

        if ($WhatIfPreference) {
            foreach ($record in $rejected) { Write-Warning $record.Exception.Message }
            return & $finish ([int]($rejected.Count -gt 0)) "WhatIf: $($rows.Count - $rejected.Count) row(s) would be sent, $($rejected.Count) rejected."
        }

        $stamp = Get-Date -Format 'yyyyMMdd-HHmmss'
        if ($results.Count -gt 0) {
            # One line per accepted message; times in ISO 8601 UTC whatever the culture.
            $run.ResultsLog = Join-Path $logFolder "$baseName-$stamp-results.csv"
            $columns = @(
                'InputRow'
                @($TrackingProperty | Where-Object { $_ })
                'MessageId', 'PhoneNumber', 'DestinationUserName', 'Status', 'IsTerminal', 'FailureReason', 'Segments', 'Encoding', 'FromJournal'
                @{ Name = 'SentAt'; Expression = { if ($_.SentAt) { $_.SentAt.ToString('o') } } }
                @{ Name = 'DeliveredAt'; Expression = { if ($_.DeliveredAt) { $_.DeliveredAt.ToString('o') } } }
                'RequestId'
            )
            $results | Select-Object -Property $columns | Export-Csv -LiteralPath $run.ResultsLog -NoTypeInformation -Encoding UTF8 -WhatIf:$false
            Write-Host "Results: $($run.ResultsLog)"
        }
        if ($rejected.Count -gt 0) {
            # One line per rejected row: its position, its own columns as read, and what was wrong.
            $run.ErrorsLog = Join-Path $logFolder "$baseName-$stamp-errors.csv"
            $rejected | ForEach-Object {
                $line = [ordered]@{ InputRow = $_.Exception.InputRow }
                $row = $_.TargetObject
                if ($row -is [System.Management.Automation.PSObject]) {
                    foreach ($property in $row.PSObject.Properties) { if ($property.Name -ne 'InputRow') { $line[$property.Name] = $property.Value } }
                }
                else { $line['Input'] = "$row" }
                # Error* names, so they never collide with the row's own Message column.
                $line['ErrorId'] = $_.FullyQualifiedErrorId.Split(',')[0]
                $line['ErrorCategory'] = "$($_.CategoryInfo.Category)"
                $line['ErrorMessage'] = $_.Exception.Message
                [pscustomobject]$line
            } | Export-Csv -LiteralPath $run.ErrorsLog -NoTypeInformation -Encoding UTF8 -WhatIf:$false
            Write-Host "Errors:  $($run.ErrorsLog)"
        }

        $followed = $TimeoutSeconds -gt 0
        $run.Sent = @($results | Where-Object { -not $_.FromJournal }).Count
        $run.FromJournal = @($results | Where-Object { $_.FromJournal }).Count
        $run.Delivered = @($results | Where-Object { $_.Status -eq 'Delivered' }).Count
        $notDelivered = @($results | Where-Object { $followed -and $_.IsTerminal -and $_.Status -ne 'Delivered' })
        $run.NotDelivered = $notDelivered.Count
        $run.Pending = @($results | Where-Object { $followed -and -not $_.IsTerminal }).Count
        foreach ($result in $notDelivered) { Write-Warning "Row $($result.InputRow): $($result.PhoneNumber) ($($result.MessageId)): $($result.Status) - $($result.FailureReason)" }
        foreach ($record in $rejected) { Write-Warning "$($record.FullyQualifiedErrorId.Split(',')[0]) - $($record.Exception.Message)" }
        if ($run.FromJournal -gt 0) { Write-Host "$($run.FromJournal) row(s) had been sent by an earlier run (journal): not sent again." }

        if ($stoppedBy -or $untried -gt 0) {
            # Rows were left unsent: the file and its journal's marker stay, and the next run resumes it.
            $why = if ($stoppedBy) { $stoppedBy[-1].Exception.Statement } else { "$untried row(s) were not attempted." }
            return & $finish 2 ('The run stopped: {0} {1} row(s) read: {2} sent, {3} rejected; run again to resume.' -f
                $why, $rows.Count, $results.Count, $run.Rejected)
        }
        if ($ArchivePath) {
            # Every row is handled (a result or a logged error): the next run must not pick the file up again.
            $null = New-Item -ItemType Directory -Path $ArchivePath -Force -WhatIf:$false
            $run.ArchivedTo = Join-Path $ArchivePath ('{0}-{1}{2}' -f $baseName, $stamp, [IO.Path]::GetExtension($CsvPath))
            Move-Item -LiteralPath $CsvPath -Destination $run.ArchivedTo -WhatIf:$false
            Write-Host "Archived: $($run.ArchivedTo)"
        }
        # Every row is handled: the next file (or, without an archive, the next day) gets a journal of its own.
        if ($marker) { Remove-Item -LiteralPath $marker -Force -WhatIf:$false }

        $text = if ($followed) {
            '{0} row(s): {1} delivered, {2} failed or undelivered, {3} pending, {4} rejected.' -f $rows.Count, $run.Delivered, $run.NotDelivered, $run.Pending, $run.Rejected
        }
        else { '{0} row(s): {1} accepted, {2} rejected.' -f $rows.Count, $results.Count, $run.Rejected }
        if ($run.OptedOut -gt 0) { $text = $text.TrimEnd('.') + ", of them $($run.OptedOut) opted out (not sent, as the opt-out list says)." }
        $bad = $run.NotDelivered + $run.Pending + $run.Rejected - $run.OptedOut
        & $finish ([int]($bad -gt 0)) $text
    }
    catch {
        # Not connected, a locked vault, an unreadable CSV, a busy journal, Ctrl+C...: the run stopped.
        # The CSV stays where it was, so the next run resumes it from the journal.
        & $finish 2 "The run stopped: $($_.Exception.Message)"
    }
}

using System.Linq;
using System.Management.Automation;
using Octopods.Bulk;
using Octopods.Errors;
using Octopods.PowerShell.CommandBases;
using Octopods.Sms;
using Octopods.WhatsApp;

namespace Octopods.PowerShell.Commands
{
    /// <summary>
    /// One row per input row of a bulk run, read back from its journal: accepted, failed, refused,
    /// duplicate or not attempted (and why), or unknown, with the row's position and tracked columns;
    /// with -Refresh, where each accepted SMS or WhatsApp message is now. Reading needs no key; -Refresh does.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "OctopodsSendReport", HelpUri = HelpPages.Root + "Get-OctopodsSendReport.md", DefaultParameterSetName = ApiKeySet)]
    [OutputType(typeof(SendReportRow))]
    public sealed class GetOctopodsSendReportCommand : OctopodsApiCmdlet
    {
        /// <summary>The journal a send wrote (its -JournalPath).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        [ValidateNotNullOrEmpty]
        public string JournalPath { get; set; } = "";

        /// <summary>Asks each accepted SMS and WhatsApp message's status once (Viber has no status endpoint).</summary>
        [Parameter]
        public SwitchParameter Refresh { get; set; }

        /// <summary>With -Refresh, how many statuses may be asked for at once. Default 4.</summary>
        [Parameter]
        [ValidateRange(1, 256)]
        public int ThrottleLimit { get; set; } = BulkOptions.DefaultThrottleLimit;

        // No key at BeginProcessing: reading a journal needs none; -Refresh resolves each channel's (ClientFor).
        private protected override OctopodsChannel? KeyChannel => null;

        protected override void ProcessRecord()
        {
            JournalReport report;
            try
            {
                report = JournalReport.Read(SessionState.Path.GetUnresolvedProviderPathFromPSPath(JournalPath));
            }
            catch (OctopodsException ex)
            {
                Runtime.WriteError(ex, JournalPath);
                return;
            }
            catch (System.Exception ex) when (ex is ItemNotFoundException || ex is ProviderNotFoundException || ex is DriveNotFoundException || ex is PSArgumentException)
            {
                Runtime.WriteError(new OctopodsException(ErrorNames.JournalNotFound, OctopodsErrorKind.InvalidArgument,
                    $"There is no journal at {JournalPath}: {ex.Message.TrimEnd('.')}", "Give -JournalPath the path of a file, such as .\\campaign.jsonl."), JournalPath);
                return;
            }

            foreach (var (at, message) in report.Stops)
                WriteWarning((at.HasValue ? $"{at.Value.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC: " : "") + message +
                             " Rows it read but did not attempt show as NotAttempted, and rows it never read are not in this report: run the send again with the same -JournalPath to send them.");
            if (report.SkippedLines > 0)
            {
                if (report.OnlyTornLines)
                    WriteVerbose($"Skipped {report.SkippedLines} line(s) of {report.Path} cut short by a run that was killed while writing (their rows read as unknown or not started).");
                else
                    WriteWarning($"{report.SkippedLines} line(s) of {report.Path} could not be read and were skipped: the file was changed by something other than a send. The rows they held are missing or show an earlier state.");
            }
            WriteVerbose($"{report.Path}: {report.Rows.Count} row(s): " +
                         string.Join(", ", report.Rows.GroupBy(r => r.Outcome).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key}")) + ".");

            if (Refresh)
            {
                RefreshChannel(report, OctopodsChannel.Sms);
                RefreshChannel(report, OctopodsChannel.WhatsApp);
                var viber = report.Rows.Count(r => r.Channel == OctopodsChannel.Viber && r.Outcome == JournalState.Accepted);
                if (viber > 0) WriteVerbose($"{viber} accepted Viber row(s) keep an empty Status: {JournalReport.NoStatusEndpoint}");
            }

            // The tracked columns become properties of every row (empty where a run did not track one), so Export-Csv keeps them all.
            var tracked = report.Rows.SelectMany(r => r.Tracking ?? System.Array.Empty<System.Collections.Generic.KeyValuePair<string, string?>>())
                .Select(t => t.Key).Distinct(System.StringComparer.OrdinalIgnoreCase).ToList();
            foreach (var row in report.Rows)
            {
                if (tracked.Count == 0)
                {
                    WriteObject(row);
                    continue;
                }
                var wrapped = new PSObject(row);
                foreach (var name in tracked)
                {
                    var value = row.Tracking?.FirstOrDefault(t => string.Equals(t.Key, name, System.StringComparison.OrdinalIgnoreCase)).Value;
                    wrapped.Properties.Add(new PSNoteProperty(name, value));
                }
                WriteObject(wrapped);
            }
        }

        private void RefreshChannel(JournalReport report, OctopodsChannel channel)
        {
            var rows = JournalReport.Followable(report.Rows, channel);
            if (rows.Count == 0) return;
            var client = Connection.ClientFor(channel);
            var failures = channel == OctopodsChannel.Sms
                ? Runtime.Run(ct => JournalReport.RefreshAsync(rows, new SmsApi(client), ThrottleLimit, ct))
                : Runtime.Run(ct => JournalReport.RefreshAsync(rows, new WhatsAppApi(client), ThrottleLimit, ct));
            if (failures.Count > 0)
            {
                WriteWarning($"The status of {failures.Count} of {rows.Count} {channel} message(s) could not be read (their Note says why; the first: " +
                             $"{failures[0].Error.Message}). Run Get-OctopodsSendReport -Refresh again later.");
            }
        }
    }
}

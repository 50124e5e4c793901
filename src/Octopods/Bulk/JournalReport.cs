using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Octopods.Errors;
using Octopods.Files;
using Octopods.Polling;
using Octopods.Sms;
using Octopods.WhatsApp;

namespace Octopods.Bulk
{
    /// <summary>
    /// What a bulk run's journal says about each of its rows, read back after the run (a campaign's
    /// morning-after report): one row per input row (per message, when a row names several numbers), its
    /// last recorded state, in input-row order. <see cref="RefreshAsync"/> adds where each accepted message is now.
    /// </summary>
    internal sealed class JournalReport
    {
        public const string NoStatusEndpoint = "Viber has no status endpoint: accepted is all that is known.";
        public const string IntentOnly = "The run stopped while this row's request may have been on the wire (an intent without an outcome)";

        private JournalReport(string path, IReadOnlyList<SendReportRow> rows, int skippedLines, bool onlyTornLines)
        {
            Path = path;
            Rows = rows;
            SkippedLines = skippedLines;
            OnlyTornLines = onlyTornLines;
        }

        public string Path { get; }
        public IReadOnlyList<SendReportRow> Rows { get; }

        /// <summary>Lines that could not be read.</summary>
        public int SkippedLines { get; }

        /// <summary>True when every unreadable line is one a killed run leaves (cut short at the end, or before the next run's record).</summary>
        public bool OnlyTornLines { get; }

        /// <summary>Runs that stopped themselves (the service kept failing): when, and why.</summary>
        public IReadOnlyList<(DateTimeOffset? At, string Message)> Stops { get; private set; } = Array.Empty<(DateTimeOffset?, string)>();

        /// <summary>Reads the journal at <paramref name="path"/> (a full path) without writing it; a missing file or one that is no journal is a named error.</summary>
        public static JournalReport Read(string path)
        {
            string full;
            FileStream stream;
            try
            {
                full = System.IO.Path.GetFullPath(path);
                if (Directory.Exists(full))
                    throw Unusable(full, "it is a folder", "Give the path of the journal file, such as .\\campaign.jsonl.", null);
                if (!File.Exists(full))
                {
                    throw new OctopodsException(ErrorNames.JournalNotFound, OctopodsErrorKind.InvalidArgument,
                        $"There is no journal at {full}",
                        "Give -JournalPath the file the send wrote with its own -JournalPath (Send-OctopodsSms -JournalPath .\\campaign.jsonl); a relative path is taken from the current location.");
                }
                stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            }
            catch (OctopodsException)
            {
                throw;
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is ArgumentException || ex is NotSupportedException)
            {
                throw Unusable(path, ex.Message.TrimEnd('.'),
                    "Give -JournalPath a journal you may read; if a run is still writing it, wait for the run to end.", ex);
            }

            using (stream)
            {
                if (!RegularFile.IsReadable(stream)) throw Unusable(full, "it is not an ordinary file (a device, say)", "Give the path of the journal file, such as .\\campaign.jsonl.", null);
                var facts = new JournalFacts { CollectUnsent = true };
                var (entries, skipped, _, torn, cutHeader) = SendJournal.ReadRecognized(stream, full, facts, "",
                    "Give -JournalPath the journal a send wrote (its first line begins {\"type\":\"octopods-journal\"), not the input CSV or an exported report.",
                    "Read it with the module version that wrote it (Update-PSResource Octopods).");
                // A journal whose first write was cut (a kill before anything was sent) holds no rows.
                if (stream.Length == 0 || cutHeader) return new JournalReport(full, Array.Empty<SendReportRow>(), cutHeader ? 1 : 0, true);
                var target = facts.Target;
                var targetName = target == null ? null : target.Sandbox ? "sandbox" : target.Address;
                var rows = Latest(entries, facts).Select(ToRow).ToList();
                foreach (var row in rows) row.Target = targetName;
                return new JournalReport(full, rows, skipped, torn) { Stops = facts.Stops };
            }
        }

        /// <summary>
        /// One entry per input row: every row's last word, and the rows never sent. A row not sent in one
        /// run (refused, failed, duplicate, not attempted) gives way to a later run's record of the same input
        /// row (<see cref="Superseded"/>), as when a bad number is fixed and the run resumed; a row that was or may have been sent
        /// (accepted, unknown) always stays. In input-row order (rows without one, as the journal has them, last).
        /// </summary>
        private static IEnumerable<JournalEntry> Latest(Dictionary<string, JournalEntry> entries, JournalFacts facts) =>
            entries.Values.Where(e => e.State != JournalState.Failed || !Superseded(e, facts))
                .Concat(facts.Unsent.Where(e => !Superseded(e, facts) && !SentLater(e, entries)))
                .OrderBy(e => e.InputRow ?? long.MaxValue).ThenBy(e => e.Order);

        /// <summary>A row not attempted (or a repeat) whose row a later run sent, wherever it stood in that run's input.</summary>
        private static bool SentLater(JournalEntry unsent, Dictionary<string, JournalEntry> entries) =>
            unsent.RowId.Length > 0 && entries.TryGetValue(unsent.RowId, out var entry) && entry.Run > unsent.Run;

        /// <summary>A later run recorded the same input row: the same position and, where both tracked columns, the same values (a resume of a reordered file is not taken for one).</summary>
        private static bool Superseded(JournalEntry entry, JournalFacts facts)
        {
            if (!(entry.InputRow is { } input) || !facts.LatestOfInput.TryGetValue(input, out var latest) || latest.Run <= entry.Run) return false;
            var tracked = JournalFacts.TrackingText(entry.Tracking);
            return tracked == null || latest.Tracking == null || tracked == latest.Tracking;
        }

        private static SendReportRow ToRow(JournalEntry entry)
        {
            var row = new SendReportRow
            {
                InputRow = entry.InputRow,
                Tracking = entry.Tracking,
                RowKey = entry.RowId,
                Channel = entry.Channel,
                Destination = entry.Destination,
                Outcome = entry.State,
                RecordedAt = entry.At,
                RequestId = entry.RequestId,
            };
            switch (entry.State)
            {
                case JournalState.Accepted:
                    row.MessageId = entry.MessageId;
                    if (entry.Channel == OctopodsChannel.Viber) row.Note = NoStatusEndpoint;
                    break;
                case JournalState.Failed:
                case JournalState.Refused:
                case JournalState.Duplicate:
                case JournalState.OptedOut:
                    row.Reason = Named(entry.Error);
                    row.ReasonMessage = entry.Message;
                    break;
                case JournalState.NotAttempted:
                    row.Reason = Named(entry.Error);
                    row.ReasonMessage = entry.Message;
                    row.Note = "The run stopped before sending it: run the send again with the same -JournalPath to send it.";
                    break;
                default:
                    row.Reason = Named(entry.Error ?? ErrorNames.OutcomeUnknown);
                    row.ReasonMessage = entry.Error == null ? IntentOnly : entry.Message;
                    row.Note = "It may have gone out: check the conversation before sending it again (-ResendUnknown).";
                    break;
            }
            return row;
        }

        private static string? Named(string? error) =>
            error == null ? null : error.StartsWith("Octopods.", StringComparison.Ordinal) ? error : "Octopods." + error;

        private static OctopodsException Unusable(string path, string why, string fix, Exception? inner) =>
            new OctopodsException(ErrorNames.JournalUnavailable, OctopodsErrorKind.InvalidArgument,
                $"The journal {path} cannot be read: {why}", fix, inner);

        /// <summary>The rows whose status <paramref name="channel"/>'s endpoint can tell: accepted, with a message id.</summary>
        public static IReadOnlyList<SendReportRow> Followable(IEnumerable<SendReportRow> rows, OctopodsChannel channel) =>
            rows.Where(r => r.Channel == channel && r.Outcome == JournalState.Accepted && !string.IsNullOrWhiteSpace(r.MessageId)).ToList();

        /// <summary>
        /// Asks the status endpoint once for each row of <paramref name="rows"/> (see <see cref="Followable"/>), at most
        /// <paramref name="concurrency"/> at once (the client waits out a 429 itself), and fills in Status and its times.
        /// A status that cannot be read leaves the row's Status empty with a note; those rows are returned with their errors.
        /// </summary>
        public static async Task<IReadOnlyList<(SendReportRow Row, OctopodsException Error)>> RefreshAsync<TStatus>(
            IReadOnlyList<SendReportRow> rows, IStatusSource<TStatus> source, int concurrency, CancellationToken cancellationToken) where TStatus : class
        {
            var failures = new List<(int Index, SendReportRow Row, OctopodsException Error)>();
            using var slots = new SemaphoreSlim(Math.Max(1, concurrency));
            var work = rows.Select(async (row, index) =>
            {
                await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    Apply(row, await source.GetStatusAsync(row.MessageId!, cancellationToken).ConfigureAwait(false));
                }
                catch (OctopodsException ex)
                {
                    row.Note = $"The status could not be read: {ex.Message}";
                    lock (failures) failures.Add((index, row, ex));
                }
                finally
                {
                    slots.Release();
                }
            }).ToList();
            await Task.WhenAll(work).ConfigureAwait(false);
            return failures.OrderBy(f => f.Index).Select(f => (f.Row, f.Error)).ToList();
        }

        internal static void Apply(SendReportRow row, object status)
        {
            switch (status)
            {
                case SmsStatus sms:
                    row.Status = sms.Status;
                    row.StatusMessage = sms.StatusMessage;
                    row.FailureReason = sms.FailureReason;
                    row.SentAt = sms.SentAt;
                    row.DeliveredAt = sms.DeliveredAt;
                    row.LastUpdated = sms.LastUpdated;
                    break;
                case WhatsAppStatus whatsApp:
                    row.Status = whatsApp.Status;
                    row.StatusMessage = whatsApp.StatusMessage;
                    row.FailureReason = whatsApp.FailureReason;
                    row.SentAt = whatsApp.SentAt;
                    row.DeliveredAt = whatsApp.DeliveredAt;
                    row.ReadAt = whatsApp.ReadAt;
                    row.LastUpdated = whatsApp.LastUpdated;
                    break;
            }
        }
    }
}

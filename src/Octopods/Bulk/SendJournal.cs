using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Octopods.Errors;
using Octopods.Files;
using Octopods.Json;

namespace Octopods.Bulk
{
    /// <summary>
    /// A bulk run's JSON-lines journal, held exclusively: "intent" before each POST, then "sent", "failed"
    /// or "unknown", each fsync'd before its caller goes on (a kill leaves at worst a torn last line,
    /// skipped on reading). Row hashes, destinations, ids and error names; never the key or the text.
    /// </summary>
    internal sealed class SendJournal : IDisposable
    {
        public const int FormatVersion = 1;

        private readonly object _lock = new object();
        private readonly FileStream _stream;
        private readonly Dictionary<string, JournalEntry> _previous;
        private readonly JournalOptions _options;
        private MemoryStream _pending = new MemoryStream();
        private TaskCompletionSource<bool> _batch = NewBatch();
        // One thread per open journal writes and fsyncs each batch (group commit); why a thread: docs/dev/ARCHITECTURE.md.
        private Thread? _flusher;
        private bool _flushing;
        private bool _disposed;
        private Exception? _failure;

        private SendJournal(string path, FileStream stream, Dictionary<string, JournalEntry> previous, int skippedLines, JournalOptions options)
        {
            Path = path;
            _stream = stream;
            _previous = previous;
            SkippedLines = skippedLines;
            _options = options;
        }

        public string Path { get; }

        /// <summary>Lines of the existing journal that could not be read.</summary>
        public int SkippedLines { get; }

        /// <summary>True when every unreadable line is one a run killed while writing leaves (cut short at the end, or before the next run's record).</summary>
        public bool OnlyTornLines { get; private init; }

        /// <summary>The secret that keys this journal's row names (<see cref="RowIdentity"/>); null for a journal written before journals had one.</summary>
        public byte[]? RowSecret { get; private init; }

        /// <summary>True when row content is named as a reader compares it (<see cref="RowIdentity.FromComparableContent"/>): every journal since the header said so.</summary>
        public bool ComparableContent { get; private init; }

        /// <summary>Rows the journal already knew when it was opened.</summary>
        public IReadOnlyDictionary<string, JournalEntry> Previous => _previous;

        /// <summary>Records written by this instance.</summary>
        public long RecordsWritten { get; private set; }

        public JournalEntry? Find(string rowId) => _previous.TryGetValue(rowId, out var entry) ? entry : null;

        /// <summary>The first record of every journal: it names the file and its format.</summary>
        public const string HeaderType = "octopods-journal";

        /// <summary>
        /// Reads what the file already says, then opens it for appending (exclusively). A new or empty
        /// file gets the header record; an existing file without one (a CSV given by mistake, say) is
        /// refused untouched, as is one written in a newer format.
        /// </summary>
        public static SendJournal Open(string path, JournalOptions? options = null)
        {
            string full;
            FileStream stream;
            try
            {
                full = System.IO.Path.GetFullPath(path);
                var dir = System.IO.Path.GetDirectoryName(full);
                if (Directory.Exists(full)) throw Unusable(full, "it is a folder", "Give the path of a file, such as .\\campaign.jsonl.", null);
                if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
                // Unbuffered (each batch is one write anyway): a batch whose write failed must not linger in a
                // buffer that closing the file would write after the run gave up on it.
                stream = new FileStream(full, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            }
            catch (OctopodsException)
            {
                throw;
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is ArgumentException || ex is NotSupportedException)
            {
                throw Unusable(path, ex.Message.TrimEnd('.'),
                    "Give a -JournalPath of a file in a folder you may write to; if another run is using this journal, wait for it to finish.", ex);
            }

            try
            {
                // A device (/dev/null keeps nothing, /dev/zero never ends) must be neither read, written nor chmod-ed.
                if (!RegularFile.Is(stream)) throw Unusable(full, "it is not an ordinary file (a device, say)", "Give the path of an ordinary file, such as .\\campaign.jsonl.", null);
                var facts = new JournalFacts();
                var (previous, skipped, endsWithNewline, torn, cutHeader) = ReadRecognized(stream, full, facts, "; it was left untouched and nothing was sent",
                    "Give -JournalPath a new file (it is created) or the journal of the run to resume, not an input or output file.",
                    "Resume it with the module version that wrote it (Update-PSResource Octopods), or give a new -JournalPath.");
                options ??= new JournalOptions();
                var secret = facts.RowSecret;
                // Only a journal with rows that went (or may have gone) out could skip a row here wrongly: one
                // whose runs sent nothing, such as a run stopped by a refused key, is resumed with the new key.
                var anySent = false;
                foreach (var entry in previous.Values) anySent |= entry.State == JournalState.Accepted || entry.State == JournalState.Unknown;
                if (anySent && options.Target != null && facts.Target != null && !options.AcceptOtherTarget && facts.Target.Mismatch(options.Target) is { } why)
                {
                    throw new OctopodsException(ErrorNames.JournalTargetMismatch, OctopodsErrorKind.InvalidArgument,
                        $"The journal {full} belongs to another target: {why}. Its rows would be taken as sent here and skipped, so it was left untouched and nothing was sent",
                        "Give this run a new -JournalPath. Only if these rows really reached this target (the same account at another address, or a rotated key) run again with -AcceptJournalTarget.");
                }
                if (options.RowRule is { } rule && facts.RowRules.Count > 0 && !facts.RowRules.Exists(r => r.SameAs(rule)))
                {
                    var recorded = facts.RowRules[facts.RowRules.Count - 1];
                    throw new OctopodsException(ErrorNames.JournalRuleChanged, OctopodsErrorKind.InvalidArgument,
                        $"The journal {full} names its rows by {recorded.Describe()}, and this run would name them by {rule.Describe()}. " +
                        "Its rows would not be recognised and would be sent again, so it was left untouched and nothing was sent",
                        $"Resume with {recorded.Describe()}, as the journal's runs did; or give this run a new -JournalPath.");
                }
                if (cutHeader)
                {
                    // The header of a journal whose first write was cut (a kill, a full disk): nothing was sent.
                    stream.SetLength(0);
                    skipped = 0;
                }
                stream.Seek(0, SeekOrigin.End);
                // A new journal gets a secret; one with rows but none keeps naming them as it did.
                if (stream.Length == 0) secret = RowIdentity.NewSecret();
                var fresh = stream.Length == 0;
                var journal = new SendJournal(full, stream, previous, skipped, options)
                {
                    OnlyTornLines = torn,
                    RowSecret = secret,
                    ComparableContent = fresh || facts.RowNames >= 2,
                };
                // A torn last line must not swallow the first new record.
                if (stream.Length > 0 && !endsWithNewline) journal._pending.WriteByte((byte)'\n');
                if (stream.Length == 0)
                {
                    // It will hold phone numbers: its owner's only, before anything is written to it.
                    OwnerOnlyFile.Restrict(stream);
                    journal.Append(w =>
                    {
                        w.WriteString("type", HeaderType);
                        w.WriteNumber("version", FormatVersion);
                        w.WriteString("created", journal._options.Clock.UtcNow);
                        w.WriteString("row_secret", Convert.ToBase64String(secret!));
                        w.WriteNumber("row_names", 2);
                    });
                }
                var target = options.Target;
                var salt = target == null ? null : JournalTarget.NewSalt();
                var opened = journal.Append(w =>
                {
                    w.WriteString("type", "run");
                    w.WriteNumber("version", FormatVersion);
                    w.WriteString("at", journal._options.Clock.UtcNow);
                    if (options.RowRule != null) w.WriteString("rows_by", options.RowRule.Token);
                    if (target == null) return;
                    // Where this run sends: the key only as a salted fingerprint, never the key.
                    w.WriteString("target", target.Sandbox ? "sandbox" : target.Address.ToString());
                    w.WriteBoolean("sandbox", target.Sandbox);
                    w.WriteString("key_salt", Convert.ToBase64String(salt!));
                    w.WriteString("key_mac", target.KeyMac(salt!));
                });
                try
                {
                    // On disk before any send: a journal that cannot be written (a full disk, a device) fails here, named.
                    opened.GetAwaiter().GetResult();
                }
                catch
                {
                    journal.Dispose();
                    throw;
                }
                return journal;
            }
            catch (Exception ex) when (!(ex is OctopodsException))
            {
                stream.Dispose();
                throw Unusable(full, ex.Message.TrimEnd('.'), "Give -JournalPath an ordinary file in a folder you may write to.", ex);
            }
            catch
            {
                stream.Dispose();
                throw;
            }
        }

        /// <summary>True when the file begins as a header record does (as far as it goes).</summary>
        internal static bool StartsLikeHeader(Stream stream)
        {
            var start = Encoding.UTF8.GetBytes("{\"type\":\"" + HeaderType);
            if (stream.Length < 4) return false;   // "{" or a stray byte is not a header's start
            var head = new byte[Math.Min(start.Length + 3, (int)stream.Length)];
            stream.Seek(0, SeekOrigin.Begin);
            var read = stream.Read(head, 0, head.Length);
            var bom = read >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF ? 3 : 0;
            for (var i = bom; i < read && i - bom < start.Length; i++) if (head[i] != start[i - bom]) return false;
            return read > bom;
        }

        private static OctopodsException Unusable(string path, string why, string fix, Exception? inner) =>
            new OctopodsException(ErrorNames.JournalUnavailable, OctopodsErrorKind.InvalidArgument,
                $"The journal {path} cannot be used: {why}; nothing was sent", fix, inner);

        /// <summary>
        /// <see cref="Read"/>, refusing a file that is not a journal or is in a newer format (the
        /// message gets <paramref name="refusalNote"/>); CutHeader: all the file holds is the start of a
        /// header whose write was cut, so it has no rows.
        /// </summary>
        internal static (Dictionary<string, JournalEntry> Entries, int Skipped, bool EndsWithNewline, bool TornLastLine, bool CutHeader) ReadRecognized(
            Stream stream, string full, JournalFacts facts, string refusalNote, string notJournalFix, string newerFix)
        {
            var (entries, skipped, endsWithNewline, header, torn) = Read(stream, facts);
            var cutHeader = header == null && skipped == 1 && entries.Count == 0 && !endsWithNewline && StartsLikeHeader(stream);
            if (!cutHeader && stream.Length > 0 && header == null)
            {
                throw new OctopodsException(ErrorNames.JournalNotRecognized, OctopodsErrorKind.InvalidArgument,
                    $"{full} is not an Octopods journal (its first line is not a journal header){refusalNote}", notJournalFix);
            }
            if (header > FormatVersion)
            {
                throw new OctopodsException(ErrorNames.JournalNotRecognized, OctopodsErrorKind.InvalidArgument,
                    $"The journal {full} is in format {header}, newer than this module reads ({FormatVersion}){refusalNote}", newerFix);
            }
            return (entries, skipped, endsWithNewline, torn, cutHeader);
        }

        /// <summary>The entries, unreadable lines, whether the file ends with a newline, the format version its header names (null: none), and whether every unreadable line is one a kill leaves.</summary>
        internal static (Dictionary<string, JournalEntry> Entries, int Skipped, bool EndsWithNewline, int? Header, bool TornLastLine) Read(Stream stream) =>
            Read(stream, new JournalFacts());

        /// <summary><see cref="Read(Stream)"/>, and what the journal says besides its rows, into <paramref name="facts"/>.</summary>
        internal static (Dictionary<string, JournalEntry> Entries, int Skipped, bool EndsWithNewline, int? Header, bool TornLastLine) Read(
            Stream stream, JournalFacts facts)
        {
            var entries = new Dictionary<string, JournalEntry>(StringComparer.Ordinal);
            var skipped = 0;
            var endsWithNewline = true;
            int? header = null;
            var first = true;
            // Lines a kill explains: cut short at the end of the file, or just before the next run's record.
            int unexplained = 0, pending = 0;
            RowRule? rule = null;   // the rule of the run whose records are being read
            var run = -1;           // which run's records are being read (0: the first)
            var utf8 = new UTF8Encoding(false);
            foreach (var (line, tooLong) in Lines(stream))
            {
                // Decoded as a text reader would (a stray byte of another encoding becomes U+FFFD, not a refusal);
                // a blank line, or the CR a CRLF editor leaves of one, is no record and no damage.
                var text = tooLong ? null : utf8.GetString(line.Array!, line.Offset, line.Count);
                if (text != null && string.IsNullOrWhiteSpace(text)) continue;
                try
                {
                    // No record is near this long: a line that is cannot be one, and is not read whole.
                    if (text == null) throw new JsonException("The line is too long to be a journal record.");
                    using var doc = JsonDocument.Parse(text);
                    if (first)
                    {
                        header = HeaderVersion(doc.RootElement);
                        facts.RowSecret = SecretOf(doc.RootElement);
                        facts.RowNames = JsonFields.GetInt(doc.RootElement, "row_names") ?? 1;
                    }
                    if (pending > 0 && JsonFields.GetString(doc.RootElement, "type") != "run") unexplained += pending;
                    pending = 0;
                    facts.Target = TargetOf(doc.RootElement) ?? facts.Target;
                    if (StopOf(doc.RootElement) is { } stop) facts.Stops.Add(stop);
                    rule = NoteRule(doc.RootElement, rule, entries.Count > 0, facts);
                    if (JsonFields.GetString(doc.RootElement, "type") == "run") run++;
                    Apply(entries, doc.RootElement, Math.Max(0, run), facts);
                }
                catch (JsonException)
                {
                    skipped++;
                    pending++;
                }
                first = false;
            }
            if (stream.Length > 0)
            {
                stream.Seek(-1, SeekOrigin.End);
                endsWithNewline = stream.ReadByte() == '\n';
            }
            if (pending > 0 && endsWithNewline) unexplained += pending;
            return (entries, skipped, endsWithNewline, header, unexplained == 0);
        }

        /// <summary>No journal record comes near this; a longer line is not one, and is skipped unread.</summary>
        private const int LongestLine = 64 * 1024;

        /// <summary>
        /// The file's lines (without their newline; a UTF-8 BOM, as an editor may add, dropped), read in
        /// blocks: only the bytes the file says it holds (a device such as /dev/zero would never end),
        /// and a line past <see cref="LongestLine"/> is reported as too long instead of held whole.
        /// </summary>
        private static IEnumerable<(ArraySegment<byte> Line, bool TooLong)> Lines(Stream stream)
        {
            var block = new byte[65536];
            var line = new MemoryStream();
            var tooLong = false;
            var remaining = stream.Length;
            var start = true;
            stream.Seek(0, SeekOrigin.Begin);
            for (int read; remaining > 0 && (read = stream.Read(block, 0, (int)Math.Min(block.Length, remaining))) > 0;)
            {
                remaining -= read;
                var from = 0;
                if (start)
                {
                    start = false;
                    if (read >= 3 && block[0] == 0xEF && block[1] == 0xBB && block[2] == 0xBF) from = 3;
                }
                while (from < read)
                {
                    var end = Array.IndexOf(block, (byte)'\n', from, read - from);
                    var stop = end < 0 ? read : end;
                    if (!tooLong && line.Length + (stop - from) <= LongestLine) line.Write(block, from, stop - from);
                    else
                    {
                        tooLong = true;
                        line.SetLength(0);
                    }
                    if (end < 0) break;
                    yield return (new ArraySegment<byte>(line.GetBuffer(), 0, (int)line.Length), tooLong);
                    line.SetLength(0);
                    tooLong = false;
                    from = end + 1;
                }
            }
            if (line.Length > 0 || tooLong) yield return (new ArraySegment<byte>(line.GetBuffer(), 0, (int)line.Length), tooLong);
        }

        /// <summary>The header's format version; the "run" record that began the first journals counts as a header of version 1.</summary>
        private static int? HeaderVersion(JsonElement record)
        {
            if (record.ValueKind != JsonValueKind.Object) return null;
            var type = JsonFields.GetString(record, "type");
            if (type != HeaderType && type != "run") return null;
            return JsonFields.GetInt(record, "version") is { } version && version > 0 ? version : (int?)null;
        }

        private static void Apply(Dictionary<string, JournalEntry> entries, JsonElement record, int run, JournalFacts facts)
        {
            if (record.ValueKind != JsonValueKind.Object) return;
            var type = JsonFields.GetString(record, "type");
            if (type == null) return;
            var at = record.TryGetProperty("at", out var atElement) && atElement.ValueKind == JsonValueKind.String && atElement.TryGetDateTimeOffset(out var parsed)
                ? parsed : (DateTimeOffset?)null;
            var input = JsonFields.GetLong(record, "input");
            if (facts.CollectUnsent && input.HasValue && (type == "intent" || UnsentState(type) != null))
                facts.LatestOfInput[input.Value] = (run, JournalFacts.TrackingText(TrackingOf(record)));
            if (UnsentState(type) is { } unsent)
            {
                if (!facts.CollectUnsent) return;
                facts.Unsent.Add(new JournalEntry
                {
                    RowId = JsonFields.GetId(record, "row") ?? "", State = unsent, At = at, Run = run, InputRow = input,
                    Channel = ChannelOf(JsonFields.GetString(record, "channel")), Destination = JsonFields.GetString(record, "to"),
                    Error = JsonFields.GetString(record, "error"), Message = JsonFields.GetString(record, "message"), Tracking = TrackingOf(record),
                    Order = entries.Count + facts.Unsent.Count,
                });
                return;
            }
            var row = JsonFields.GetId(record, "row");
            if (row == null) return;
            entries.TryGetValue(row, out var entry);
            if (entry != null && entry.State == JournalState.Accepted) return; // accepted is final, whatever follows
            var order = entry?.Order ?? entries.Count + facts.Unsent.Count;
            var channel = ChannelOf(JsonFields.GetString(record, "channel")) ?? entry?.Channel;
            switch (type)
            {
                case "intent":
                    entries[row] = new JournalEntry
                    {
                        RowId = row, State = JournalState.Unknown, Destination = JsonFields.GetId(record, "to"), At = at, Channel = channel, Order = order,
                        Run = run, InputRow = input, Tracking = TrackingOf(record),
                    };
                    break;
                case "sent":
                    entries[row] = new JournalEntry
                    {
                        RowId = row, State = JournalState.Accepted, At = at, Channel = channel, Order = order,
                        Run = entry?.Run ?? run, InputRow = entry?.InputRow, Tracking = entry?.Tracking,
                        MessageId = JsonFields.GetId(record, "message_id"),
                        RequestId = JsonFields.GetId(record, "request_id"),
                        Status = JsonFields.GetString(record, "status"),
                        Destination = JsonFields.GetId(record, "to") ?? entry?.Destination,
                        ChannelMessageId = JsonFields.GetString(record, "channel_message_id"),
                    };
                    break;
                case "failed":
                case "unknown":
                    entries[row] = new JournalEntry
                    {
                        RowId = row, State = type == "failed" ? JournalState.Failed : JournalState.Unknown, At = at, Channel = channel, Order = order,
                        Run = entry?.Run ?? run, InputRow = entry?.InputRow, Tracking = entry?.Tracking,
                        Destination = entry?.Destination, RequestId = JsonFields.GetId(record, "request_id"),
                        Error = JsonFields.GetString(record, "error"), Message = JsonFields.GetString(record, "message"),
                    };
                    break;
            }
        }

        /// <summary>The state a record of a row that was never sent stands for; null for any other record.</summary>
        private static JournalState? UnsentState(string type) => type switch
        {
            "refused" => JournalState.Refused,
            "duplicate" => JournalState.Duplicate,
            "not_attempted" => JournalState.NotAttempted,
            "opted_out" => JournalState.OptedOut,
            _ => (JournalState?)null,
        };

        private static List<KeyValuePair<string, string?>>? TrackingOf(JsonElement record)
        {
            if (!record.TryGetProperty("track", out var track) || track.ValueKind != JsonValueKind.Object) return null;
            var values = new List<KeyValuePair<string, string?>>();
            foreach (var property in track.EnumerateObject())
                values.Add(new KeyValuePair<string, string?>(property.Name, property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null));
            return values;
        }

        private static void WriteOrigin(Utf8JsonWriter w, RowOrigin? origin)
        {
            if (origin == null) return;
            if (origin.Number.HasValue) w.WriteNumber("input", origin.Number.Value);
            if (origin.Tracking.Count == 0) return;
            w.WriteStartObject("track");
            foreach (var pair in origin.Tracking)
            {
                if (pair.Value == null) w.WriteNull(pair.Key);
                else w.WriteString(pair.Key, pair.Value);
            }
            w.WriteEndObject();
        }

        /// <summary>
        /// Counts a run's rule once it matters: the run wrote a row, or resumed a journal that had rows.
        /// (A run that only refused its rows named nothing.) Returns the rule now in force.
        /// </summary>
        private static RowRule? NoteRule(JsonElement record, RowRule? current, bool hadRows, JournalFacts facts)
        {
            if (record.ValueKind != JsonValueKind.Object) return current;
            var type = JsonFields.GetString(record, "type");
            if (type == "run")
            {
                current = RowRule.Parse(JsonFields.GetRawString(record, "rows_by"));
                if (current != null && hadRows) Remember(current, facts);
            }
            else if (type == "intent" && current != null) Remember(current, facts);
            return current;
        }

        private static void Remember(RowRule rule, JournalFacts facts)
        {
            if (!facts.RowRules.Exists(r => r.SameAs(rule))) facts.RowRules.Add(rule);
        }

        private static byte[]? SecretOf(JsonElement header)
        {
            var text = header.ValueKind == JsonValueKind.Object ? JsonFields.GetString(header, "row_secret") : null;
            if (text == null) return null;
            try { return Convert.FromBase64String(text); }
            catch (FormatException) { return null; }
        }

        private static (DateTimeOffset? At, string Message)? StopOf(JsonElement record)
        {
            if (record.ValueKind != JsonValueKind.Object || JsonFields.GetString(record, "type") != "stopped") return null;
            var at = record.TryGetProperty("at", out var atElement) && atElement.ValueKind == JsonValueKind.String && atElement.TryGetDateTimeOffset(out var parsed)
                ? parsed : (DateTimeOffset?)null;
            return (at, JsonFields.GetString(record, "message") ?? "The run stopped itself.");
        }

        /// <summary>The run stopped itself (an outage): recorded so the morning-after report can say it.</summary>
        public Task WriteStoppedAsync(string reason, string message) =>
            Append(w =>
            {
                w.WriteString("type", "stopped");
                w.WriteString("reason", reason);
                w.WriteString("message", message);
                w.WriteString("at", _options.Clock.UtcNow);
            });

        private static RecordedTarget? TargetOf(JsonElement record)
        {
            if (record.ValueKind != JsonValueKind.Object || JsonFields.GetString(record, "type") != "run") return null;
            var address = JsonFields.GetString(record, "target");
            if (address == null) return null;
            byte[] salt;
            try { salt = Convert.FromBase64String(JsonFields.GetString(record, "key_salt") ?? ""); }
            catch (FormatException) { salt = Array.Empty<byte>(); }
            return new RecordedTarget
            {
                Sandbox = record.TryGetProperty("sandbox", out var sandbox) && sandbox.ValueKind == JsonValueKind.True,
                Address = address,
                KeySalt = salt,
                KeyMac = JsonFields.GetString(record, "key_mac") ?? "",
            };
        }

        private static OctopodsChannel? ChannelOf(string? name) =>
            name != null && Enum.TryParse<OctopodsChannel>(name, ignoreCase: true, out var channel) ? channel : (OctopodsChannel?)null;

        /// <summary>Before the POST: from here until an outcome, the row counts as possibly sent.</summary>
        public Task WriteIntentAsync(string rowId, long sequence, OctopodsChannel channel, string destination, RowOrigin? origin = null) =>
            Append(w =>
            {
                w.WriteString("type", "intent");
                w.WriteString("row", rowId);
                w.WriteNumber("seq", sequence);
                w.WriteString("channel", channel.ToString());
                w.WriteString("to", destination);
                WriteOrigin(w, origin);
                w.WriteString("at", _options.Clock.UtcNow);
            });

        /// <summary>The refusals whose text names only the number or the run: the rest are kept by name alone.</summary>
        private static readonly HashSet<string> UnsentMessageKept = new HashSet<string>(StringComparer.Ordinal)
        {
            ErrorNames.PhoneMissing, ErrorNames.PhoneInvalid, ErrorNames.DuplicateRow, ErrorNames.DuplicateIdempotencyKey,
            ErrorNames.RateLimitBlocked, ErrorNames.BodyEmpty, ErrorNames.RecipientOptedOut,
        };

        /// <summary>
        /// A row that was never sent (<see cref="JournalState.Refused"/>, <see cref="JournalState.Duplicate"/>
        /// or <see cref="JournalState.NotAttempted"/>), so the report has every input row; it changes nothing a resume sends.
        /// </summary>
        public Task WriteUnsentAsync(JournalState state, string? rowId, OctopodsChannel channel, string? destination, RowOrigin? origin, OctopodsException? error) =>
            Append(w =>
            {
                w.WriteString("type", state switch
                {
                    JournalState.Refused => "refused",
                    JournalState.Duplicate => "duplicate",
                    JournalState.OptedOut => "opted_out",
                    _ => "not_attempted",
                });
                WriteOptional(w, "row", rowId);
                w.WriteString("channel", channel.ToString());
                WriteOptional(w, "to", destination);
                WriteOrigin(w, origin);
                if (error != null)
                {
                    w.WriteString("error", error.ErrorName);
                    // Only texts known to hold no message text or variable (a refusal may quote the row's cells).
                    if (UnsentMessageKept.Contains(error.ErrorName)) w.WriteString("message", error.Detail);
                }
                w.WriteString("at", _options.Clock.UtcNow);
            });

        public Task WriteSentAsync(string rowId, JournalOutcome outcome) =>
            Append(w =>
            {
                w.WriteString("type", "sent");
                w.WriteString("row", rowId);
                WriteOptional(w, "message_id", outcome.MessageId);
                WriteOptional(w, "request_id", outcome.RequestId);
                WriteOptional(w, "status", outcome.Status);
                WriteOptional(w, "to", outcome.Destination);
                WriteOptional(w, "channel_message_id", outcome.ChannelMessageId);
                w.WriteString("at", _options.Clock.UtcNow);
            });

        /// <summary>After a failure: <paramref name="certain"/> when the service certainly did not accept the row.</summary>
        public Task WriteFailureAsync(string rowId, bool certain, OctopodsException error) =>
            Append(w =>
            {
                w.WriteString("type", certain ? "failed" : "unknown");
                w.WriteString("row", rowId);
                w.WriteString("error", error.ErrorName);
                w.WriteString("message", error.Detail);
                WriteOptional(w, "request_id", error.RequestId);
                w.WriteString("at", _options.Clock.UtcNow);
            });

        private static void WriteOptional(Utf8JsonWriter w, string name, string? value)
        {
            if (value != null) w.WriteString(name, value);
        }

        /// <summary>Queues one record and completes when it is on disk (one fsync serves every record queued meanwhile).</summary>
        private Task Append(Action<Utf8JsonWriter> write)
        {
            Task wait;
            lock (_lock)
            {
                if (_disposed)
                    return Task.FromException(new OctopodsException(ErrorNames.JournalUnavailable, OctopodsErrorKind.InvalidArgument,
                        $"The journal {Path} is already closed", "Nothing more is written to it."));
                if (_failure != null) return Task.FromException(_failure);
                using (var writer = new Utf8JsonWriter(_pending, JsonWriting.Options))
                {
                    writer.WriteStartObject();
                    write(writer);
                    writer.WriteEndObject();
                }
                _pending.WriteByte((byte)'\n');
                RecordsWritten++;
                wait = _batch.Task;
                if (_flusher == null)
                {
                    _flusher = new Thread(FlushLoop) { IsBackground = true, Name = "Octopods journal" };
                    _flusher.Start();
                }
                else if (!_flushing) Monitor.Pulse(_lock);
            }
            return wait;
        }

        /// <summary>Writes what is pending as one batch, fsyncs, completes its waiters; sleeps while nothing is; ends at Dispose.</summary>
        private void FlushLoop()
        {
            while (true)
            {
                MemoryStream batch;
                TaskCompletionSource<bool> done;
                Exception? failed;
                lock (_lock)
                {
                    _flushing = false;
                    while (_pending.Length == 0)
                    {
                        if (_disposed) return;
                        Monitor.Wait(_lock);
                    }
                    _flushing = true;
                    batch = _pending;
                    done = _batch;
                    _pending = new MemoryStream();
                    _batch = NewBatch();
                    failed = _failure;
                }
                if (failed != null)
                {
                    // An earlier write failed, maybe half-way: anything written now could merge with the torn
                    // line and be lost to a resumed run although its row was sent. Write nothing more: every
                    // waiter fails, so those rows are never sent.
                    done.TrySetException(failed);
                    continue;
                }
                OctopodsException? writeFailure = null;
                try
                {
                    _options.WriteBatch(_stream, batch.GetBuffer(), (int)batch.Length);
                    _stream.Flush(flushToDisk: true);
                }
                catch (Exception ex)
                {
                    writeFailure = new OctopodsException(ErrorNames.JournalUnavailable, OctopodsErrorKind.InvalidArgument,
                        $"Writing the journal {Path} failed: {ex.Message}", "Nothing more is sent without a journal record; free disk space and run again with the same journal.", ex);
                    lock (_lock) _failure = writeFailure;
                }
                // Outside the try: the waiters continue inline here, and nothing they do is a write failure.
                if (writeFailure == null) done.TrySetResult(true);
                else done.TrySetException(writeFailure);
            }
        }

        /// <summary>A batch's waiters continue inline on the flusher's thread, not as one pool work item each.</summary>
        private static TaskCompletionSource<bool> NewBatch() => new TaskCompletionSource<bool>();

        /// <summary>Writes what is still pending, then closes the file.</summary>
        public void Dispose()
        {
            Thread? flusher;
            lock (_lock)
            {
                if (_disposed) return;
                _disposed = true;
                flusher = _flusher;
                Monitor.Pulse(_lock);
            }
            // The flusher writes every pending batch before it ends.
            if (flusher != null && flusher != Thread.CurrentThread) flusher.Join(TimeSpan.FromSeconds(30));
            TaskCompletionSource<bool>? written = null;
            lock (_lock)
            {
                // A batch's waiter disposing from the flusher's own thread cannot wait for it: write the rest here.
                if (flusher == Thread.CurrentThread && _pending.Length > 0 && _failure == null)
                {
                    try
                    {
                        _stream.Write(_pending.GetBuffer(), 0, (int)_pending.Length);
                        _stream.Flush(flushToDisk: true);
                        _pending = new MemoryStream();
                        written = _batch;
                    }
                    catch (IOException) { }
                }
                try { _stream.Dispose(); }
                catch (IOException) { }   // closing must not fail the command after its run ended
            }
            written?.TrySetResult(true);
        }
    }
}

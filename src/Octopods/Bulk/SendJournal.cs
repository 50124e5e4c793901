using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Octopods.Errors;
using Octopods.Json;

namespace Octopods.Bulk
{
    /// <summary>
    /// A bulk run's JSON-lines journal, held exclusively: "intent" before each POST, then "sent", "failed"
    /// or "unknown", each fsync'd before its caller goes on (a kill leaves at worst a torn last line,
    /// skipped on reading). Row hashes, destinations, ids and error names; never the key or the text.
    /// </summary>
    public sealed class SendJournal : IDisposable
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

        /// <summary>Lines of the existing journal that could not be read (a torn last line after a kill).</summary>
        public int SkippedLines { get; }

        /// <summary>Rows the journal already knew when it was opened.</summary>
        public IReadOnlyDictionary<string, JournalEntry> Previous => _previous;

        /// <summary>Records written by this instance.</summary>
        public long RecordsWritten { get; private set; }

        public JournalEntry? Find(string rowId) => _previous.TryGetValue(rowId, out var entry) ? entry : null;

        /// <summary>Reads what the file already says, then opens it for appending (exclusively).</summary>
        public static SendJournal Open(string path, JournalOptions? options = null)
        {
            var full = System.IO.Path.GetFullPath(path);
            var dir = System.IO.Path.GetDirectoryName(full);
            if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
            FileStream stream;
            try
            {
                stream = new FileStream(full, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 4096, FileOptions.None);
            }
            catch (IOException ex)
            {
                throw new OctopodsException(ErrorNames.JournalUnavailable, OctopodsErrorKind.InvalidArgument,
                    $"The journal {full} cannot be opened: {ex.Message}",
                    "Another run may be using it: wait for it to finish, or give another -JournalPath.", ex);
            }
            catch (UnauthorizedAccessException ex)
            {
                throw new OctopodsException(ErrorNames.JournalUnavailable, OctopodsErrorKind.InvalidArgument,
                    $"The journal {full} cannot be opened: {ex.Message}", "Give a -JournalPath you may write to.", ex);
            }

            try
            {
                var (previous, skipped, endsWithNewline) = Read(stream);
                stream.Seek(0, SeekOrigin.End);
                var journal = new SendJournal(full, stream, previous, skipped, options ?? new JournalOptions());
                // A torn last line must not swallow the first new record.
                if (stream.Length > 0 && !endsWithNewline) journal._pending.WriteByte((byte)'\n');
                journal.Append(w =>
                {
                    w.WriteString("type", "run");
                    w.WriteNumber("version", FormatVersion);
                    w.WriteString("at", journal._options.Clock.UtcNow);
                });
                return journal;
            }
            catch
            {
                stream.Dispose();
                throw;
            }
        }

        /// <summary>Reads a journal without opening it for writing (for reports and tests).</summary>
        public static IReadOnlyDictionary<string, JournalEntry> ReadFile(string path, out int skippedLines)
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            var (entries, skipped, _) = Read(stream);
            skippedLines = skipped;
            return entries;
        }

        private static (Dictionary<string, JournalEntry>, int, bool) Read(Stream stream)
        {
            var entries = new Dictionary<string, JournalEntry>(StringComparer.Ordinal);
            var skipped = 0;
            var endsWithNewline = true;
            stream.Seek(0, SeekOrigin.Begin);
            using var reader = new StreamReader(stream, new UTF8Encoding(false), false, 65536, leaveOpen: true);
            string? line;
            while ((line = reader.ReadLine()) != null)
            {
                if (line.Length == 0) continue;
                try
                {
                    using var doc = JsonDocument.Parse(line);
                    Apply(entries, doc.RootElement);
                }
                catch (JsonException)
                {
                    skipped++;
                }
            }
            if (stream.Length > 0)
            {
                stream.Seek(-1, SeekOrigin.End);
                endsWithNewline = stream.ReadByte() == '\n';
            }
            return (entries, skipped, endsWithNewline);
        }

        private static void Apply(Dictionary<string, JournalEntry> entries, JsonElement record)
        {
            if (record.ValueKind != JsonValueKind.Object) return;
            var type = JsonFields.GetString(record, "type");
            var row = JsonFields.GetString(record, "row");
            if (type == null || row == null) return;
            entries.TryGetValue(row, out var entry);
            if (entry != null && entry.State == JournalState.Accepted) return; // accepted is final, whatever follows
            var at = record.TryGetProperty("at", out var atElement) && atElement.ValueKind == JsonValueKind.String && atElement.TryGetDateTimeOffset(out var parsed)
                ? parsed : (DateTimeOffset?)null;
            switch (type)
            {
                case "intent":
                    entries[row] = new JournalEntry { RowId = row, State = JournalState.Unknown, Destination = JsonFields.GetString(record, "to"), At = at };
                    break;
                case "sent":
                    entries[row] = new JournalEntry
                    {
                        RowId = row, State = JournalState.Accepted, At = at,
                        MessageId = JsonFields.GetString(record, "message_id"),
                        RequestId = JsonFields.GetString(record, "request_id"),
                        Status = JsonFields.GetString(record, "status"),
                        Destination = JsonFields.GetString(record, "to") ?? entry?.Destination,
                        ChannelMessageId = JsonFields.GetString(record, "channel_message_id"),
                    };
                    break;
                case "failed":
                case "unknown":
                    entries[row] = new JournalEntry
                    {
                        RowId = row, State = type == "failed" ? JournalState.Failed : JournalState.Unknown, At = at,
                        Destination = entry?.Destination, RequestId = JsonFields.GetString(record, "request_id"),
                        Error = JsonFields.GetString(record, "error"),
                    };
                    break;
            }
        }

        /// <summary>Before the POST: from here until an outcome, the row counts as possibly sent.</summary>
        public Task WriteIntentAsync(string rowId, long sequence, OctopodsChannel channel, string destination, int attempt) =>
            Append(w =>
            {
                w.WriteString("type", "intent");
                w.WriteString("row", rowId);
                w.WriteNumber("seq", sequence);
                w.WriteString("channel", channel.ToString());
                w.WriteString("to", destination);
                w.WriteNumber("attempt", attempt);
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
                _stream.Dispose();
            }
            written?.TrySetResult(true);
        }
    }
}

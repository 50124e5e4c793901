using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading;
using Octopods.Errors;
using Octopods.Files;
using Octopods.Json;

namespace Octopods.Sandbox
{
    /// <summary>
    /// The sandbox's memory across processes: every send it accepted, one JSON line each after a
    /// header line, in a file per user, so a journal resumed in a new process, or a -Wait there, finds
    /// the messages as the real service would. Keys are kept only as a hash.
    /// Processes and runspaces share it safely: each send takes the file's lock (a ".lock" file
    /// beside it, held exclusively), reads what others appended since, takes the next id and appends
    /// its line, so ids are never given twice and no line is written over. Connecting reads only the
    /// file's end; the history is read when a look-up first needs it.
    /// </summary>
    internal sealed class SandboxStore
    {
        /// <summary>Overrides where the file is (tests, or a second sandbox).</summary>
        public const string PathVariable = "OCTOPODS_SANDBOX_PATH";

        /// <summary>The first line's type: the file is the sandbox's own.</summary>
        public const string HeaderType = "octopods-sandbox";

        // How much of the file's end holds the latest ids and times (a few hundred lines).
        private const int TailBytes = 64 * 1024;
        // Ids this store gives are 8 digits; a larger number in a file was not written by it.
        private const long LargestId = 999_999_999_999;
        private static readonly TimeSpan LockPatience = TimeSpan.FromSeconds(15);

        // One instance per file in a process: its runspaces append through one lock.
        private static readonly Dictionary<string, SandboxStore> ByPath = new Dictionary<string, SandboxStore>(StringComparer.Ordinal);
        private readonly object _lock = new object();
        private long _readUpTo;   // how far this process has read the file for ids
        private long _highestId;
        private string? _head;   // the start of the file's first line when last read: another one means it was reset and written again
        private long _cutAbove = -1;   // the length past which the file is cut back (set from Keeps at first use)

        /// <summary>How many sends the file keeps, from OCTOPODS_SANDBOX_KEEP (at least <see cref="FewestKept"/>); older ones are dropped.</summary>
        public const string KeepVariable = "OCTOPODS_SANDBOX_KEEP";
        public const int DefaultKept = 10_000, FewestKept = 10;
        // A line is about 200 bytes: past twice that per send kept, the file is cut back to the latest sends.
        private const int BytesPerKeptSend = 400;

        /// <param name="path">The file.</param>
        /// <param name="keep">How many of the latest sends it keeps; null: <see cref="KeepVariable"/>, else <see cref="DefaultKept"/>.</param>
        public SandboxStore(string path, int? keep = null)
        {
            Path = System.IO.Path.GetFullPath(path ?? throw new ArgumentNullException(nameof(path)));
            Keeps = Math.Max(FewestKept, keep ?? KeptFromEnvironment());
            _cutAbove = (long)Keeps * BytesPerKeptSend;
        }

        /// <summary>How many of the latest sends the file keeps: a file that never shrank made every connect and look-up slower.</summary>
        public int Keeps { get; }

        private static int KeptFromEnvironment() =>
            int.TryParse(Environment.GetEnvironmentVariable(KeepVariable), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : DefaultKept;

        /// <summary>The process's store for <paramref name="path"/>.</summary>
        public static SandboxStore At(string path)
        {
            var full = System.IO.Path.GetFullPath(path);
            lock (ByPath)
            {
                if (!ByPath.TryGetValue(full, out var store)) ByPath[full] = store = new SandboxStore(full);
                return store;
            }
        }

        public string Path { get; }

        private string LockPath => Path + ".lock";

        /// <summary>OCTOPODS_SANDBOX_PATH set to this keeps each session's sandbox in memory only.</summary>
        public const string InMemory = "none";

        /// <summary>
        /// The user's store: OCTOPODS_SANDBOX_PATH, else Octopods/sandbox.jsonl in the local application
        /// data folder; null when OCTOPODS_SANDBOX_PATH is "none" (each session's sandbox in memory only).
        /// </summary>
        public static SandboxStore? ForCurrentUser()
        {
            var configured = Environment.GetEnvironmentVariable(PathVariable);
            if (string.Equals(configured?.Trim(), InMemory, StringComparison.OrdinalIgnoreCase)) return null;
            if (!string.IsNullOrWhiteSpace(configured)) return At(configured!);
            var root = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
            if (string.IsNullOrEmpty(root)) root = System.IO.Path.GetTempPath();
            return At(System.IO.Path.Combine(root, "Octopods", "sandbox.jsonl"));
        }

        /// <summary>The hash a key is kept as: enough to tell keys apart, useless to anyone who reads the file.</summary>
        public static string KeyHash(string key)
        {
            using var sha = SHA256.Create();
            var hash = sha.ComputeHash(Encoding.UTF8.GetBytes(key ?? ""));
            var text = new StringBuilder(16);
            for (var i = 0; i < 8; i++) text.Append(hash[i].ToString("x2", CultureInfo.InvariantCulture));
            return text.ToString();
        }

        /// <summary>
        /// Checks the file before the sandbox uses it, creating it (owner-only, with its header) when it
        /// is new: a folder, a device, a file that is not the sandbox's, or one that cannot be written is
        /// refused with a named error. Returns the latest time a kept send was accepted (null: none), read
        /// from the file's end only, so connecting stays fast at any history.
        /// </summary>
        public DateTimeOffset? Open()
        {
            lock (_lock)
            {
                try
                {
                    // Before anything is created beside it or written: a device, or a file of someone else's, is left alone.
                    CheckOurs();
                    var dir = System.IO.Path.GetDirectoryName(Path);
                    if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
                    using var held = Hold();
                    using var stream = OpenFile();
                    if (!RegularFile.Is(stream)) throw Unusable("it is not an ordinary file (a device, say)", null);
                    if (stream.Length == 0) WriteHeader(stream);
                    else if (!Recognised(stream)) throw NotOurs();
                    _head = Head(stream);
                    return ReadTail(stream, fromStart: true);
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                {
                    throw Unusable(ex.Message.TrimEnd('.'), ex);
                }
            }
        }

        /// <summary>The sends kept so far, oldest first; lines that cannot be read (a process killed while writing) are skipped.</summary>
        public IReadOnlyList<AcceptedSend> Load()
        {
            var sends = new List<AcceptedSend>();
            lock (_lock)
            {
                try
                {
                    if (!File.Exists(Path)) return sends;
                    using var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                    if (!Recognised(stream)) return sends;
                    stream.Seek(0, SeekOrigin.Begin);
                    using var reader = new StreamReader(stream, new UTF8Encoding(false));
                    string? line;
                    while ((line = reader.ReadLine()) != null)
                        if (Parse(line) is { } send) sends.Add(send);
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                {
                    // What could not be read is not known to this session; the sandbox still answers.
                }
            }
            return sends;
        }

        private static AcceptedSend? Parse(string line)
        {
            if (line.Length == 0 || line.Length > TailBytes) return null;
            try
            {
                using var document = JsonDocument.Parse(line);
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object) return null;
                if (!Enum.TryParse<OctopodsChannel>(JsonFields.GetRawString(root, "channel"), true, out var channel)) return null;
                var at = DateTimeOffset.Parse(JsonFields.GetRawString(root, "at") ?? "", CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
                return new AcceptedSend(channel, JsonFields.GetRawString(root, "id") ?? "", JsonFields.GetRawString(root, "phone") ?? "",
                    JsonFields.GetRawString(root, "content") ?? "", at, JsonFields.GetRawString(root, "request_id") ?? "")
                {
                    KeyHash = JsonFields.GetRawString(root, "key") ?? "",
                    TemplateId = JsonFields.GetRawString(root, "template"),
                    OpenConversation = JsonFields.TryGet(root, "open", out var open) && open.ValueKind == JsonValueKind.True,
                };
            }
            catch (Exception ex) when (ex is JsonException || ex is FormatException)
            {
                return null;   // a line cut short by a process killed while writing it: that send is forgotten
            }
        }

        /// <summary>
        /// Keeps one more send, made by <paramref name="make"/> from the highest message number any
        /// process has kept, under the file's lock. A store that cannot be written only stops
        /// remembering (<paramref name="failure"/> says why); the send is made either way.
        /// </summary>
        public AcceptedSend Keep(Func<long, AcceptedSend> make, out string? failure)
        {
            failure = null;
            lock (_lock)
            {
                AcceptedSend? send = null;
                try
                {
                    using var held = Hold();
                    long length;
                    using (var stream = OpenFile())
                    {
                        if (stream.Length == 0)
                        {
                            if (!RegularFile.Is(stream)) throw new IOException("it is no longer an ordinary file");
                            WriteHeader(stream);
                        }
                        else
                        {
                            // Reset by another session and written again: its first line (and so every offset) is another.
                            var first = Head(stream);
                            var reset = first != _head || stream.Length < _readUpTo;
                            _head = first;
                            ReadTail(stream, fromStart: reset);
                        }
                        send = make(_highestId);
                        _highestId = Math.Max(_highestId, MessageNumber(send.MessageId));
                        var line = Line(send);
                        // A line cut short by a killed process must not swallow this one: it starts on a line of its own.
                        stream.Seek(-1, SeekOrigin.End);
                        if (stream.ReadByte() != '\n') stream.WriteByte((byte)'\n');
                        stream.Write(line, 0, line.Length);
                        _readUpTo = length = stream.Length;
                    }
                    // Still under the lock: no other process writes while the file is cut back.
                    if (length > Math.Max(_cutAbove, TailBytes))
                    {
                        try
                        {
                            CutBack();
                            // Long lines (long texts) may leave the kept sends above the mark: the next cut waits for twice as much.
                            _cutAbove = Math.Max((long)Keeps * BytesPerKeptSend, 2 * new FileInfo(Path).Length);
                        }
                        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                        {
                            // The send is kept; only the cut failed (a read-only folder, a scanner holding the file): try again much later.
                            _cutAbove = 2 * length;
                        }
                    }
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                {
                    failure = ex.Message;
                    send ??= make(_highestId);
                    _highestId = Math.Max(_highestId, MessageNumber(send.MessageId));
                }
                return send;
            }
        }

        /// <summary>Forgets every send kept: the file is deleted, only when it is the sandbox's own.</summary>
        public void Reset()
        {
            lock (_lock)
            {
                try
                {
                    // Only a file with the sandbox's first line: an empty file may be anyone's.
                    if (CheckOurs() && new FileInfo(Path).Length > 0)
                    {
                        using var held = Hold();
                        File.Delete(Path);
                    }
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                {
                    throw Unusable(ex.Message.TrimEnd('.'), ex);
                }
                _readUpTo = 0;
                _highestId = 0;
            }
        }

        /// <summary>
        /// Throws when the path is a folder, a device or a file that is not the sandbox's; true when it
        /// is the sandbox's file (or empty), false when there is none.
        /// </summary>
        private bool CheckOurs()
        {
            if (Directory.Exists(Path)) throw Unusable("it is a folder", null);
            if (!File.Exists(Path)) return false;
            // Read first: a file of someone else's is only read, never opened for writing.
            using (var reading = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            {
                if (reading.Length > 0)
                {
                    if (!Recognised(reading)) throw NotOurs();
                    return true;
                }
                if (!RegularFile.IsReadable(reading)) throw Unusable("it is not an ordinary file (a device, say)", null);
            }
            // Empty: an ordinary empty file, or a device such as /dev/null that keeps nothing.
            using var stream = new FileStream(Path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
            if (!RegularFile.Is(stream)) throw Unusable("it is not an ordinary file (a device, say)", null);
            return true;
        }

        /// <summary>
        /// Keeps only the latest <see cref="Keeps"/> sends: the file is written again beside itself and
        /// put in place at once (a kill leaves the old one whole), under a new header, so every process
        /// reads the ids again rather than going on from an offset that no longer means anything.
        /// </summary>
        private void CutBack()
        {
            var sends = new List<string>();
            foreach (var line in File.ReadLines(Path, new UTF8Encoding(false)))
                if (line.StartsWith("{\"channel\":", StringComparison.Ordinal)) sends.Add(line);
            var temporary = Path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            try
            {
                using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None))
                {
                    WriteHeader(stream);
                    using var writer = new StreamWriter(stream, new UTF8Encoding(false), 65536) { NewLine = "\n" };
                    for (var i = Math.Max(0, sends.Count - Keeps); i < sends.Count; i++) writer.WriteLine(sends[i]);
                }
                File.Replace(temporary, Path, null);
            }
            finally
            {
                if (File.Exists(temporary)) File.Delete(temporary);
            }
            // The ids are the file's newest: read them again, from the new file's end.
            using var kept = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            _head = Head(kept);
            var highest = _highestId;
            ReadTail(kept, fromStart: true);
            _highestId = Math.Max(_highestId, highest);
        }

        private FileStream OpenFile() => new FileStream(Path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);

        /// <summary>The file's lock, held exclusively (other processes and runspaces wait their turn).</summary>
        private FileStream Hold()
        {
            var waited = Stopwatch.StartNew();
            while (true)
            {
                try
                {
                    return new FileStream(LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                }
                catch (IOException ex) when (ex.GetType() == typeof(IOException) && File.Exists(LockPath) && waited.Elapsed < LockPatience)
                {
                    // Held by another process or runspace (a missing folder or a full disk is no wait).
                    Thread.Sleep(1);
                }
            }
        }

        private void WriteHeader(FileStream stream)
        {
            var header = JsonWriting.JsonObject(w =>
            {
                w.WriteString("type", HeaderType);
                w.WriteNumber("version", 1);
                // Tells this file from one written after a reset by another session (ids and offsets start again).
                w.WriteString("file", Guid.NewGuid().ToString("N"));
            });
            // It will hold phone numbers and texts: its owner's only (the file open here, an ordinary one).
            OwnerOnlyFile.Restrict(stream);
            stream.Seek(0, SeekOrigin.Begin);
            stream.Write(header, 0, header.Length);
            stream.WriteByte((byte)'\n');
            stream.Flush();
            _head = Head(stream);
            _readUpTo = stream.Length;
            _highestId = 0;
        }

        // Enough of the first line to tell one file from another (a header's random id, or an old file's first send).
        private const int HeadBytes = 512;

        /// <summary>
        /// The start of the file's first line (at most <see cref="HeadBytes"/>), or "" when it has none:
        /// read at every send to notice a reset, so a few hundred bytes, never a whole long line.
        /// </summary>
        private static string Head(FileStream stream)
        {
            stream.Seek(0, SeekOrigin.Begin);
            var head = new byte[(int)Math.Min(HeadBytes, stream.Length)];
            var read = 0;
            for (int n; read < head.Length && (n = stream.Read(head, read, head.Length - read)) > 0;) read += n;
            var text = Encoding.UTF8.GetString(head, 0, read);
            var end = text.IndexOf('\n');
            return end < 0 ? text : text.Substring(0, end);
        }

        /// <summary>The sandbox's file: its header, or a send line as files from before headers began (even a long one, or one cut short).</summary>
        private static bool Recognised(FileStream stream)
        {
            var first = Head(stream);
            if (first.StartsWith("{\"channel\":", StringComparison.Ordinal)) return true;
            try
            {
                using var document = JsonDocument.Parse(first);
                var root = document.RootElement;
                return root.ValueKind == JsonValueKind.Object && JsonFields.GetRawString(root, "type") == HeaderType;
            }
            catch (JsonException)
            {
                return false;
            }
        }

        /// <summary>
        /// Reads the ids (and acceptance times) of the complete lines appended since this process last
        /// looked, or of the file's end; returns the latest acceptance time seen.
        /// </summary>
        private DateTimeOffset? ReadTail(FileStream stream, bool fromStart)
        {
            if (fromStart)
            {
                _readUpTo = Math.Max(0, stream.Length - TailBytes);
                _highestId = 0;
            }
            if (stream.Length <= _readUpTo) return null;
            var bytes = new byte[stream.Length - _readUpTo];
            stream.Seek(_readUpTo, SeekOrigin.Begin);
            var read = 0;
            for (int n; read < bytes.Length && (n = stream.Read(bytes, read, bytes.Length - read)) > 0;) read += n;
            var complete = Array.LastIndexOf(bytes, (byte)'\n', read - 1) + 1;   // a line being written stays for later
            DateTimeOffset? latest = null;
            foreach (var line in Encoding.UTF8.GetString(bytes, 0, complete).Split('\n'))
            {
                var id = Field(line, "id");
                if (id != null) _highestId = Math.Max(_highestId, MessageNumber(id));
                if (Field(line, "at") is { } at && DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var when)
                    && (latest == null || when > latest)) latest = when;
            }
            _readUpTo += complete;
            return latest;
        }

        /// <summary>A string field of a line, found as text (the lines are the store's own, written compactly).</summary>
        private static string? Field(string line, string name)
        {
            var key = "\"" + name + "\":\"";
            var at = line.IndexOf(key, StringComparison.Ordinal);
            if (at < 0) return null;
            var start = at + key.Length;
            var end = line.IndexOf('"', start);
            return end > start ? line.Substring(start, end - start) : null;
        }

        /// <summary>The number in a message id (msg_sbx_00000012 is 12, a numeric id its value); 0 when it has none or one too large to be the store's.</summary>
        private static long MessageNumber(string id)
        {
            var digits = new StringBuilder(id.Length);
            foreach (var c in id) if (c >= '0' && c <= '9') digits.Append(c);
            return long.TryParse(digits.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= LargestId ? n : 0;
        }

        private static byte[] Line(AcceptedSend send)
        {
            var json = JsonWriting.JsonObject(w =>
            {
                w.WriteString("channel", send.Channel.ToString());
                w.WriteString("id", send.MessageId);
                w.WriteString("phone", send.DestinationPhone);
                w.WriteString("content", send.Content);
                w.WriteString("at", send.AcceptedAt.ToString("o", CultureInfo.InvariantCulture));
                w.WriteString("request_id", send.RequestId);
                w.WriteString("key", send.KeyHash);
                if (send.TemplateId != null) w.WriteString("template", send.TemplateId);
                if (send.OpenConversation) w.WriteBoolean("open", true);
            });
            var bytes = new byte[json.Length + 1];
            Buffer.BlockCopy(json, 0, bytes, 0, json.Length);
            bytes[json.Length] = (byte)'\n';   // one write per line
            return bytes;
        }

        private OctopodsException Unusable(string why, Exception? inner) =>
            new OctopodsException(ErrorNames.SandboxStoreUnusable, OctopodsErrorKind.InvalidArgument,
                $"The sandbox's file {Path} cannot be used: {why}",
                $"Set {PathVariable} to a new file in a folder you may write to, or to '{InMemory}' for a sandbox kept in memory only.", inner);

        private OctopodsException NotOurs() =>
            new OctopodsException(ErrorNames.SandboxStoreNotOurs, OctopodsErrorKind.InvalidArgument,
                $"{Path} is not the sandbox's file (its first line is not the sandbox's); it was left untouched",
                $"Set {PathVariable} to a new file (or remove it to use the default), or to '{InMemory}' for a sandbox kept in memory only.");
    }
}

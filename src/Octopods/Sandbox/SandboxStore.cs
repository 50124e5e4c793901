using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Octopods.Json;

namespace Octopods.Sandbox
{
    /// <summary>
    /// The sandbox's memory across processes: every send it accepted, one JSON line each, in a file per
    /// user, so a journal resumed in a new process, or a -Wait there, finds the messages as the real
    /// service would. Keys are kept only as a hash. <see cref="Reset"/> forgets everything.
    /// </summary>
    internal sealed class SandboxStore
    {
        /// <summary>Overrides where the file is (tests, or a second sandbox).</summary>
        public const string PathVariable = "OCTOPODS_SANDBOX_PATH";

        // One instance per file in a process: its runspaces append through one lock.
        private static readonly Dictionary<string, SandboxStore> ByPath = new Dictionary<string, SandboxStore>(StringComparer.Ordinal);
        private readonly object _lock = new object();

        public SandboxStore(string path)
        {
            Path = path ?? throw new ArgumentNullException(nameof(path));
        }

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

        /// <summary>The sends kept so far, oldest first; lines that cannot be read (a process killed while writing) are skipped.</summary>
        public IReadOnlyList<AcceptedSend> Load()
        {
            var sends = new List<AcceptedSend>();
            lock (_lock)
            {
                if (!File.Exists(Path)) return sends;
                using var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                var length = stream.Length;   // lines appended while this reads are read again for ids: harmless
                using var reader = new StreamReader(stream, new UTF8Encoding(false));
                string? line;
                while ((line = reader.ReadLine()) != null)
                {
                    if (line.Length == 0) continue;
                    try
                    {
                        using var document = JsonDocument.Parse(line);
                        var root = document.RootElement;
                        if (!Enum.TryParse<OctopodsChannel>(JsonFields.GetString(root, "channel"), true, out var channel)) continue;
                        var at = DateTimeOffset.Parse(JsonFields.GetString(root, "at") ?? "", CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
                        sends.Add(new AcceptedSend(channel, JsonFields.GetString(root, "id") ?? "", JsonFields.GetString(root, "phone") ?? "",
                            JsonFields.GetString(root, "content") ?? "", at, JsonFields.GetString(root, "request_id") ?? "")
                        {
                            KeyHash = JsonFields.GetString(root, "key") ?? "",
                            TemplateId = JsonFields.GetString(root, "template"),
                            OpenConversation = JsonFields.TryGet(root, "open", out var open) && open.ValueKind == JsonValueKind.True,
                        });
                    }
                    catch (Exception ex) when (ex is JsonException || ex is FormatException)
                    {
                        // A line cut short by a process killed while writing it: that send is forgotten.
                    }
                }
                foreach (var send in sends) _highestId = Math.Max(_highestId, MessageNumber(send.MessageId));
                _readUpTo = Math.Max(_readUpTo, length);
            }
            return sends;
        }

        private long _readUpTo;   // how far this process has read the file for ids
        private long _highestId;

        /// <summary>
        /// The highest message number in the file now, counting lines other processes appended since
        /// this one last looked (read from where it stopped), so a new id does not repeat theirs.
        /// </summary>
        public long HighestMessageNumber()
        {
            lock (_lock)
            {
                try
                {
                    if (!File.Exists(Path)) return _highestId;
                    using var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                    if (stream.Length < _readUpTo) _readUpTo = 0;   // reset meanwhile: read it again
                    if (stream.Length == _readUpTo) return _highestId;
                    stream.Seek(_readUpTo, SeekOrigin.Begin);
                    using var reader = new StreamReader(stream, new UTF8Encoding(false), false, 4096, leaveOpen: true);
                    string? line;
                    while ((line = reader.ReadLine()) != null)
                    {
                        // Only the id is wanted: found as text, not by parsing each line.
                        var at = line.IndexOf("\"id\":\"", StringComparison.Ordinal);
                        if (at < 0) continue;
                        var end = line.IndexOf('"', at + 6);
                        if (end > at) _highestId = Math.Max(_highestId, MessageNumber(line.Substring(at + 6, end - at - 6)));
                    }
                    _readUpTo = stream.Length;
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                {
                }
                return _highestId;
            }
        }

        /// <summary>The number in a message id (msg_sbx_00000012 is 12, a numeric id its value); 0 when it has none.</summary>
        private static long MessageNumber(string id)
        {
            var digits = new StringBuilder(id.Length);
            foreach (var c in id) if (c >= '0' && c <= '9') digits.Append(c);
            return long.TryParse(digits.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
        }

        /// <summary>Keeps one more send; a store that cannot be written only stops remembering.</summary>
        public void Append(AcceptedSend send)
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
            bytes[json.Length] = (byte)'\n';   // one write per line: a line is whole or cut at its end
            lock (_lock)
            {
                // Opened per line, writing alone: another process appending at the same moment waits
                // its turn instead of writing over this line.
                for (var attempt = 0; attempt < 20; attempt++)
                {
                    try
                    {
                        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path) ?? ".");
                        using var stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read | FileShare.Delete);
                        stream.Write(bytes, 0, bytes.Length);
                        return;
                    }
                    catch (IOException) when (attempt < 19)
                    {
                        System.Threading.Thread.Sleep(5);
                    }
                    catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                    {
                        return;   // a store that cannot be written only stops remembering
                    }
                }
            }
        }

        /// <summary>Forgets every send kept (the file is deleted).</summary>
        public void Reset()
        {
            lock (_lock)
            {
                if (File.Exists(Path)) File.Delete(Path);
                _readUpTo = 0;
                _highestId = 0;
            }
        }
    }
}

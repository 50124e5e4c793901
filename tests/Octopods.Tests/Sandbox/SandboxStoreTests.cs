using System;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Octopods.Errors;
using Octopods.Http;
using Octopods.Sandbox;
using Octopods.Sms;
using Octopods.Time;
using Xunit;

namespace Octopods.Tests.Sandbox
{
    /// <summary>The sandbox's memory across processes: each emulator here stands for a new process.</summary>
    public sealed class SandboxStoreTests : IDisposable
    {
        private readonly string _path = Path.Combine(Path.GetTempPath(), "octopods-sandbox-" + Guid.NewGuid().ToString("N"), "sandbox.jsonl");

        public void Dispose()
        {
            try { Directory.Delete(Path.GetDirectoryName(_path)!, true); } catch (IOException) { }
        }

        private static SmsApi Sms(OctopodsEmulator emulator, string key = SandboxKeys.Default) =>
            new SmsApi(new OctopodsClient(new OctopodsClientOptions(OctopodsChannel.Sms, new ApiKey(key), new Uri("https://sandbox.octopods.invalid/"))
            {
                Handler = emulator.CreateHttpHandler(),
                Clock = emulator.Clock,
            }));

        [Fact]
        public async Task A_message_sent_in_one_process_is_found_and_followed_in_the_next()
        {
            var clock = new VirtualClock();
            var first = new OctopodsEmulator(clock, store: new SandboxStore(_path));
            var sent = await Sms(first).SendAsync(SmsSendRequest.Create("+14155552671", "kept"), CancellationToken.None);

            var later = new VirtualClock(clock.UtcNow + TimeSpan.FromMinutes(5));
            var second = new OctopodsEmulator(later, store: new SandboxStore(_path));
            var status = await Sms(second).GetStatusAsync(sent.MessageId, CancellationToken.None);
            Assert.Equal("Delivered", status.Status, ignoreCase: true);
            Assert.Single(second.Ledger);
            // Ids go on from the highest kept.
            var next = await Sms(second).SendAsync(SmsSendRequest.Create("+14155552671", "next"), CancellationToken.None);
            Assert.NotEqual(sent.MessageId, next.MessageId);
            Assert.Equal(2, new OctopodsEmulator(later, store: new SandboxStore(_path)).Ledger.Count);
        }

        [Fact]
        public async Task Two_sessions_at_once_never_give_two_messages_one_id()
        {
            // Both load the (empty) file first, as two windows opened together would.
            var a = new OctopodsEmulator(new VirtualClock(), store: new SandboxStore(_path));
            var b = new OctopodsEmulator(new VirtualClock(), store: new SandboxStore(_path));
            var ids = new[]
            {
                (await Sms(a).SendAsync(SmsSendRequest.Create("+14155552671", "a1"), CancellationToken.None)).MessageId,
                (await Sms(b).SendAsync(SmsSendRequest.Create("+14155552672", "b1"), CancellationToken.None)).MessageId,
                (await Sms(a).SendAsync(SmsSendRequest.Create("+14155552673", "a2"), CancellationToken.None)).MessageId,
            };
            Assert.Equal(3, ids.Distinct().Count());
            // A later session finds each message under its own id.
            var later = new OctopodsEmulator(new VirtualClock(), store: new SandboxStore(_path));
            Assert.Equal(new[] { "a1", "b1", "a2" }, later.Ledger.Select(s => s.Content));
            Assert.Equal(3, later.Ledger.Select(s => s.MessageId).Distinct().Count());
        }

        [Fact]
        public async Task The_file_keeps_a_hash_of_the_key_never_the_key()
        {
            var emulator = new OctopodsEmulator(new VirtualClock(), store: new SandboxStore(_path));
            await Sms(emulator, "sk_live_not_to_be_kept_0123456789").SendAsync(SmsSendRequest.Create("+14155552671", "hashed"), CancellationToken.None);
            var text = File.ReadAllText(_path);
            Assert.DoesNotContain("sk_live_not_to_be_kept", text);
            Assert.Contains(SandboxStore.KeyHash("sk_live_not_to_be_kept_0123456789"), text);
        }

        [Fact]
        public async Task A_line_cut_short_by_a_killed_process_is_skipped_and_the_rest_kept()
        {
            var emulator = new OctopodsEmulator(new VirtualClock(), store: new SandboxStore(_path));
            await Sms(emulator).SendAsync(SmsSendRequest.Create("+14155552671", "whole"), CancellationToken.None);
            File.AppendAllText(_path, "{\"channel\":\"Sms\",\"id\":\"msg_sbx_000", Encoding.UTF8);
            var next = new OctopodsEmulator(new VirtualClock(), store: new SandboxStore(_path));
            Assert.Single(next.Ledger);
            Assert.Equal("whole", next.Ledger[0].Content);
        }

        [Fact]
        public async Task Reset_forgets_every_send()
        {
            var store = new SandboxStore(_path);
            var emulator = new OctopodsEmulator(new VirtualClock(), store: store);
            await Sms(emulator).SendAsync(SmsSendRequest.Create("+14155552671", "forgotten"), CancellationToken.None);
            store.Reset();
            Assert.False(File.Exists(_path));
            Assert.Empty(new OctopodsEmulator(new VirtualClock(), store: new SandboxStore(_path)).Ledger);
        }

        [Fact]
        public async Task Four_sessions_sending_at_once_never_share_an_id_or_lose_a_line()
        {
            // Each emulator has its own store object, as each process has: only the file's lock orders them.
            const int Sessions = 4, Each = 150;
            var emulators = Enumerable.Range(0, Sessions).Select(_ => new OctopodsEmulator(new VirtualClock(), store: new SandboxStore(_path))).ToList();
            var ids = await Task.WhenAll(emulators.Select((emulator, n) => Task.Run(async () =>
            {
                var sms = Sms(emulator);
                var mine = new System.Collections.Generic.List<string>();
                for (var i = 0; i < Each; i++)
                    mine.Add((await sms.SendAsync(SmsSendRequest.Create("+1415555" + (2000 + n), $"s{n}-{i}"), CancellationToken.None)).MessageId);
                return mine;
            })));
            var all = ids.SelectMany(x => x).ToList();
            Assert.Equal(Sessions * Each, all.Distinct().Count());
            var later = new OctopodsEmulator(new VirtualClock(), store: new SandboxStore(_path)).Ledger;
            Assert.Equal(Sessions * Each, later.Count);
            Assert.Equal(Sessions * Each, later.Select(s => s.Content).Distinct().Count());
            Assert.Equal(all.OrderBy(i => i), later.Select(s => s.MessageId).OrderBy(i => i));
        }

        [Fact]
        public void A_file_that_is_not_the_sandboxs_is_neither_written_nor_deleted()
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            File.WriteAllText(_path, "Name,Phone\nAnn,+14155550100\n");
            var before = File.ReadAllBytes(_path);
            var store = new SandboxStore(_path);
            Assert.Equal(ErrorNames.SandboxStoreNotOurs, Assert.Throws<OctopodsException>(() => new OctopodsEmulator(new VirtualClock(), store: store)).ErrorName);
            var reset = Assert.Throws<OctopodsException>(() => store.Reset());
            Assert.Equal(ErrorNames.SandboxStoreNotOurs, reset.ErrorName);
            Assert.Contains(SandboxStore.PathVariable, reset.Fix);
            Assert.Equal(before, File.ReadAllBytes(_path));
        }

        [Theory]
        [InlineData("/dev/null")]
        [InlineData("/dev/zero")]
        public void A_device_is_refused_at_once(string device)
        {
            if (OperatingSystem.IsWindows()) return;   // no such paths there
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var ex = Assert.Throws<OctopodsException>(() => new SandboxStore(device).Open());
            Assert.Equal(ErrorNames.SandboxStoreUnusable, ex.ErrorName);
            Assert.Contains("not an ordinary file", ex.Message);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5));
            Assert.Equal(ErrorNames.SandboxStoreUnusable, Assert.Throws<OctopodsException>(() => new SandboxStore(device).Reset()).ErrorName);
        }

        [Fact]
        public void A_store_that_cannot_be_written_is_refused_by_name()
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            var blocker = Path.Combine(Path.GetDirectoryName(_path)!, "a-file");
            File.WriteAllText(blocker, "");
            var ex = Assert.Throws<OctopodsException>(() => new SandboxStore(Path.Combine(blocker, "sandbox.jsonl")).Open());
            Assert.Equal(ErrorNames.SandboxStoreUnusable, ex.ErrorName);
            Assert.Contains("'none'", ex.Fix);
        }

        [Fact]
        public async Task A_huge_id_in_the_file_is_not_the_stores_and_does_not_overflow()
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            File.WriteAllText(_path, "{\"type\":\"octopods-sandbox\",\"version\":1}\n" +
                "{\"channel\":\"Sms\",\"id\":\"msg_sbx_9223372036854775807\",\"phone\":\"+14155552671\",\"content\":\"x\",\"at\":\"2026-01-01T00:00:00.0000000+00:00\",\"request_id\":\"r\",\"key\":\"k\"}\n" +
                "{\"channel\":\"Sms\",\"id\":\"msg_sbx_00000041\",\"phone\":\"+14155552671\",\"content\":\"y\",\"at\":\"2026-01-01T00:00:01.0000000+00:00\",\"request_id\":\"r\",\"key\":\"k\"}\n");
            var emulator = new OctopodsEmulator(new VirtualClock(), store: new SandboxStore(_path));
            Assert.Equal(DateTimeOffset.Parse("2026-01-01T00:00:01Z", System.Globalization.CultureInfo.InvariantCulture), emulator.LatestKept);
            var sent = await Sms(emulator).SendAsync(SmsSendRequest.Create("+14155552671", "next"), CancellationToken.None);
            Assert.Equal("msg_sbx_00000042", sent.MessageId);
        }

        [Fact]
        public void A_new_store_is_the_owners_only_and_starts_with_its_header()
        {
            _ = new OctopodsEmulator(new VirtualClock(), store: new SandboxStore(_path));
            Assert.StartsWith("{\"type\":\"octopods-sandbox\"", File.ReadAllText(_path), StringComparison.Ordinal);
            if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_path));
        }

        [Fact]
        public void An_empty_file_of_someone_elses_is_not_deleted_by_a_reset()
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            File.WriteAllText(_path, "");
            new SandboxStore(_path).Reset();
            Assert.True(File.Exists(_path));
        }

        [Fact]
        public async Task A_store_from_before_headers_is_taken_even_when_its_first_line_is_long_and_texts_are_kept_as_sent()
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            var longText = string.Concat(Enumerable.Repeat("\u4f60\u597d", 800));   // 1,600 CJK characters: about 4.8 KB of UTF-8
            File.WriteAllText(_path, "{\"channel\":\"Sms\",\"id\":\"msg_sbx_00000007\",\"phone\":\"+14155552671\",\"content\":\"" + longText +
                "\",\"at\":\"2026-01-01T00:00:00.0000000+00:00\",\"request_id\":\"r\",\"key\":\"k\"}\n", new UTF8Encoding(false));
            var emulator = new OctopodsEmulator(new VirtualClock(), store: new SandboxStore(_path));
            Assert.Equal(longText, Assert.Single(emulator.Ledger).Content);
            var sent = await Sms(emulator).SendAsync(SmsSendRequest.Create("+14155552671", "two\r\nlines"), CancellationToken.None);
            Assert.Equal("msg_sbx_00000008", sent.MessageId);
            Assert.Equal("two\r\nlines", new OctopodsEmulator(new VirtualClock(), store: new SandboxStore(_path)).Ledger[^1].Content);
        }

        [Fact]
        public async Task The_file_keeps_only_the_latest_sends_and_ids_go_on()
        {
            var emulator = new OctopodsEmulator(new VirtualClock(), store: new SandboxStore(_path, keep: 20));
            var sms = Sms(emulator);
            string last = "";
            for (var i = 1; i <= 600; i++) last = (await sms.SendAsync(SmsSendRequest.Create("+14155552671", $"m{i}"), CancellationToken.None)).MessageId;
            Assert.Equal("msg_sbx_00000600", last);

            var lines = File.ReadAllLines(_path);
            Assert.StartsWith("{\"type\":\"octopods-sandbox\"", lines[0], StringComparison.Ordinal);
            Assert.InRange(lines.Length - 1, 20, 400);   // cut back to 20 at least once; never all 600
            Assert.Equal(lines.Length - 1, lines.Skip(1).Distinct().Count());
            if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_path));

            // Another session: ids go on from the newest, and the newest message is still found.
            var later = new OctopodsEmulator(new VirtualClock(), store: new SandboxStore(_path, keep: 20));
            Assert.Equal("m600", later.Ledger[^1].Content);
            Assert.Equal("msg_sbx_00000601", (await Sms(later).SendAsync(SmsSendRequest.Create("+14155552671", "next"), CancellationToken.None)).MessageId);
            Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(_path)!, "*.tmp"));
        }

        [Fact]
        public void Without_a_store_nothing_is_written()
        {
            _ = new OctopodsEmulator(new VirtualClock());
            Assert.False(File.Exists(_path));
        }
    }
}

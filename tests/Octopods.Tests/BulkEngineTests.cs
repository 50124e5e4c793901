using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Octopods.FlowControl;
using Octopods.Bulk;
using Octopods.Errors;
using Octopods.Http;
using Octopods.Time;
using Xunit;

namespace Octopods.Tests
{
    public class RowIdentityTests
    {
        [Fact]
        public void Identity_is_stable_and_depends_on_channel_destination_and_content()
        {
            var a = RowIdentity.FromContent(OctopodsChannel.Sms, "+14155552671", "hello");
            Assert.Equal(a, RowIdentity.FromContent(OctopodsChannel.Sms, "+14155552671", "hello"));
            Assert.Equal(64, a.Length);
            Assert.Matches("^[0-9a-f]{64}$", a);
            Assert.NotEqual(a, RowIdentity.FromContent(OctopodsChannel.WhatsApp, "+14155552671", "hello"));
            Assert.NotEqual(a, RowIdentity.FromContent(OctopodsChannel.Sms, "+14155552672", "hello"));
            Assert.NotEqual(a, RowIdentity.FromContent(OctopodsChannel.Sms, "+14155552671", "hello!"));
            // No ambiguity from where one field ends and the next begins.
            Assert.NotEqual(RowIdentity.FromContent(OctopodsChannel.Sms, "+1415555267", "1hello"), a);
        }

        [Fact]
        public void An_explicit_key_is_hashed_never_kept()
        {
            var id = RowIdentity.FromKey(OctopodsChannel.Sms, "order-1001");
            Assert.DoesNotContain("order-1001", id);
            Assert.Equal(id, RowIdentity.FromKey(OctopodsChannel.Sms, " order-1001 "));
            Assert.NotEqual(id, RowIdentity.FromKey(OctopodsChannel.Sms, "order-1002"));
            Assert.Equal(id, RowIdentity.Occurrence(id, 1));
            Assert.Equal(id + "#2", RowIdentity.Occurrence(id, 2));
        }

        [Fact]
        public void A_key_on_a_row_of_several_numbers_names_one_message_per_number_stably()
        {
            var first = RowIdentity.FromKey(OctopodsChannel.Sms, RowIdentity.KeyForDestination("alert-42", "+14155550101"));
            var second = RowIdentity.FromKey(OctopodsChannel.Sms, RowIdentity.KeyForDestination("alert-42", "+14155550102"));
            Assert.NotEqual(first, second);
            Assert.Equal(first, RowIdentity.FromKey(OctopodsChannel.Sms, RowIdentity.KeyForDestination(" alert-42 ", "+14155550101")));
            // Neither is the bare key's (a row with that one number), nor another key's for the same number.
            Assert.NotEqual(RowIdentity.FromKey(OctopodsChannel.Sms, "alert-42"), first);
            Assert.NotEqual(RowIdentity.FromKey(OctopodsChannel.Sms, RowIdentity.KeyForDestination("alert-43", "+14155550101")), first);
            Assert.DoesNotContain("alert-42", first);
            Assert.Throws<ArgumentException>(() => RowIdentity.KeyForDestination(" ", "+14155550101"));
        }
    }

    public class SendGatePauseTests
    {
        private static readonly DateTimeOffset T0 = new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

        [Fact]
        public async Task The_gate_holds_everyone_until_the_pause_ends()
        {
            var clock = new VirtualClock(T0);
            var gate = new SendGate(clock);
            _ = gate.RateLimited(TimeSpan.FromSeconds(7), gate.Current);
            _ = gate.RateLimited(TimeSpan.FromSeconds(3), gate.Current); // a shorter pause does not shorten the longer one
            Assert.Equal(TimeSpan.FromSeconds(7), gate.PauseLeft);
            await gate.BeforeSendAsync(paced: true, null, CancellationToken.None);
            Assert.True(clock.UtcNow >= T0 + TimeSpan.FromSeconds(7));
            Assert.Equal(1, gate.Pauses);
        }

        [Fact]
        public void A_pause_is_counted_once_however_many_429s_set_or_lengthen_it()
        {
            var clock = new VirtualClock(T0);
            var gate = new SendGate(clock);
            _ = gate.RateLimited(TimeSpan.FromSeconds(5), gate.Current);
            _ = gate.RateLimited(TimeSpan.FromSeconds(5), gate.Current);   // another worker refused at the same moment
            clock.Advance(TimeSpan.FromSeconds(2));
            _ = gate.RateLimited(TimeSpan.FromSeconds(10), gate.Current);  // lengthened while it runs
            _ = gate.RateLimited(TimeSpan.FromSeconds(1), gate.Current);   // shorter: changes nothing
            Assert.Equal(1, gate.Pauses);
            clock.Advance(TimeSpan.FromSeconds(11));
            Assert.Equal(TimeSpan.Zero, gate.PauseLeft);
            _ = gate.RateLimited(TimeSpan.FromSeconds(3), gate.Current);   // after it ended: a new pause
            Assert.Equal(2, gate.Pauses);
            _ = gate.RateLimited(TimeSpan.Zero, gate.Current);             // nothing to wait: no pause
            Assert.Equal(2, gate.Pauses);
        }
    }

    public sealed class SendJournalTests : IDisposable
    {
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "octopods-journal-" + Guid.NewGuid().ToString("N"));
        private string PathOf(string name) => Path.Combine(_dir, name);

        public void Dispose()
        {
            try { Directory.Delete(_dir, true); } catch (IOException) { }
        }

        [Fact]
        public void A_new_journal_starts_with_a_header_naming_it_and_its_format()
        {
            var path = PathOf("new.jsonl");
            using (SendJournal.Open(path)) { }
            var first = File.ReadLines(path).First();
            Assert.Contains("\"type\":\"octopods-journal\"", first);
            Assert.Contains("\"version\":" + SendJournal.FormatVersion, first);
            using (SendJournal.Open(path)) { }   // reopened: still one header, at the top
            Assert.Single(File.ReadLines(path), l => l.Contains("octopods-journal"));
        }

        [Theory]
        [InlineData("To,Message\n+14155552671,hello\n")]
        [InlineData("{\"type\":\"sent\",\"row\":\"x\"}\n")]
        [InlineData("not json at all")]
        public void A_file_that_is_not_a_journal_is_refused_untouched(string content)
        {
            var path = PathOf("customers.csv");
            Directory.CreateDirectory(_dir);
            File.WriteAllText(path, content);

            var ex = Assert.Throws<OctopodsException>(() => SendJournal.Open(path));

            Assert.Equal(ErrorNames.JournalNotRecognized, ex.ErrorName);
            Assert.Contains("left untouched", ex.Message);
            Assert.Equal(content, File.ReadAllText(path));
            using (SendJournal.Open(path + ".jsonl")) { }   // and nothing keeps the refused file open
            File.Delete(path);
        }

        [Fact]
        public void A_journal_from_a_newer_format_is_refused_and_one_from_the_first_format_resumes()
        {
            Directory.CreateDirectory(_dir);
            var newer = PathOf("newer.jsonl");
            File.WriteAllText(newer, "{\"type\":\"octopods-journal\",\"version\":99}\n");
            Assert.Contains("newer than this module", Assert.Throws<OctopodsException>(() => SendJournal.Open(newer)).Message);

            var first = PathOf("first.jsonl");   // journals of the first release began with a "run" record
            File.WriteAllText(first, "{\"type\":\"run\",\"version\":1,\"at\":\"2026-11-20T10:00:00Z\"}\n{\"type\":\"sent\",\"row\":\"r1\",\"message_id\":\"m1\"}\n");
            using var journal = SendJournal.Open(first);
            Assert.Equal(JournalState.Accepted, journal.Find("r1")!.State);
        }

        [Fact]
        public void A_journal_path_that_cannot_be_a_file_is_a_named_error()
        {
            Directory.CreateDirectory(_dir);
            var file = PathOf("plain.txt");
            File.WriteAllText(file, "x");

            var underFile = Assert.Throws<OctopodsException>(() => SendJournal.Open(Path.Combine(file, "run.jsonl")));
            var folder = Assert.Throws<OctopodsException>(() => SendJournal.Open(_dir));

            Assert.Equal(ErrorNames.JournalUnavailable, underFile.ErrorName);
            Assert.Contains("cannot be used", underFile.Message);
            Assert.Equal(ErrorNames.JournalUnavailable, folder.ErrorName);
            Assert.Contains("it is a folder", folder.Message);
            if (File.Exists("/dev/full"))
                Assert.Equal(ErrorNames.JournalUnavailable, Assert.Throws<OctopodsException>(() => SendJournal.Open("/dev/full")).ErrorName);
        }

        [Fact]
        public void A_journal_whose_header_was_cut_while_it_was_created_opens_as_new()
        {
            Directory.CreateDirectory(_dir);
            var path = PathOf("cut-header.jsonl");
            File.WriteAllText(path, "{\"type\":\"octopods-jou");   // killed while writing the first line

            using (var journal = SendJournal.Open(path)) Assert.Empty(journal.Previous);

            Assert.StartsWith("{\"type\":\"octopods-journal\"", File.ReadLines(path).First());
        }

        [Fact]
        public void Lines_cut_short_by_a_kill_are_told_apart_from_damage()
        {
            Directory.CreateDirectory(_dir);
            var killed = PathOf("killed.jsonl");
            File.WriteAllText(killed, "{\"type\":\"octopods-journal\",\"version\":1}\n{\"type\":\"intent\",\"row\":\"a\",\"se");
            using (var journal = SendJournal.Open(killed)) Assert.True(journal.OnlyTornLines);
            using (var journal = SendJournal.Open(killed)) Assert.True(journal.OnlyTornLines);   // resumed twice: the torn line now sits before a run record

            var edited = PathOf("edited.jsonl");
            File.WriteAllText(edited, "{\"type\":\"octopods-journal\",\"version\":1}\nsomeone typed here\n{\"type\":\"sent\",\"row\":\"r\",\"message_id\":\"m\"}\n");
            using (var journal = SendJournal.Open(edited))
            {
                Assert.Equal(1, journal.SkippedLines);
                Assert.False(journal.OnlyTornLines);
            }
        }

        [Fact]
        public async Task Records_read_back_as_the_last_word_on_each_row()
        {
            var path = PathOf("a.jsonl");
            using (var journal = SendJournal.Open(path))
            {
                await journal.WriteIntentAsync("sent", 0, OctopodsChannel.Sms, "+1");
                await journal.WriteSentAsync("sent", new JournalOutcome { MessageId = "m1", RequestId = "r1", Destination = "+1" });
                await journal.WriteIntentAsync("pending", 1, OctopodsChannel.Sms, "+2");
                await journal.WriteIntentAsync("refused", 2, OctopodsChannel.Sms, "+3");
                await journal.WriteFailureAsync("refused", true, new OctopodsException(ErrorNames.ProviderError, OctopodsErrorKind.ProviderError, "no"));
                await journal.WriteIntentAsync("lost", 3, OctopodsChannel.Sms, "+4");
                await journal.WriteFailureAsync("lost", false, new OctopodsException(ErrorNames.OutcomeUnknown, OctopodsErrorKind.OutcomeUnknown, "timeout"));
                // Accepted is final: a later intent for the same row (a -ResendUnknown slip) cannot undo it.
                await journal.WriteIntentAsync("sent", 4, OctopodsChannel.Sms, "+1");
            }
            var entries = JournalFile.Read(path, out var skipped);
            Assert.Equal(0, skipped);
            Assert.Equal(JournalState.Accepted, entries["sent"].State);
            Assert.Equal("m1", entries["sent"].MessageId);
            Assert.Equal("r1", entries["sent"].RequestId);
            Assert.Equal(JournalState.Unknown, entries["pending"].State);
            Assert.Equal("+2", entries["pending"].Destination);
            Assert.Equal(JournalState.Failed, entries["refused"].State);
            Assert.Equal(JournalState.Unknown, entries["lost"].State);
            Assert.Equal("OutcomeUnknown", entries["lost"].Error);
        }

        [Fact]
        public async Task A_torn_last_line_is_skipped_and_new_records_still_read()
        {
            var path = PathOf("torn.jsonl");
            using (var journal = SendJournal.Open(path))
            {
                await journal.WriteIntentAsync("a", 0, OctopodsChannel.Sms, "+1");
                await journal.WriteSentAsync("a", new JournalOutcome { MessageId = "m1" });
            }
            File.AppendAllText(path, "{\"type\":\"intent\",\"row\":\"b\",\"se");   // killed mid-write
            using (var journal = SendJournal.Open(path))
            {
                Assert.Equal(1, journal.SkippedLines);
                Assert.Equal(JournalState.Accepted, journal.Find("a")!.State);
                Assert.Null(journal.Find("b"));
                await journal.WriteIntentAsync("c", 0, OctopodsChannel.Sms, "+3");
            }
            var entries = JournalFile.Read(path, out var skipped);
            Assert.Equal(1, skipped);
            Assert.Equal(JournalState.Unknown, entries["c"].State);
        }

        [Fact]
        public void A_journal_in_use_is_refused_with_a_named_error()
        {
            var path = PathOf("busy.jsonl");
            using var first = SendJournal.Open(path);
            var ex = Assert.Throws<OctopodsException>(() => SendJournal.Open(path));
            Assert.Equal(ErrorNames.JournalUnavailable, ex.ErrorName);
        }

        [Fact]
        public async Task After_a_failed_write_nothing_more_is_written_and_every_later_record_fails()
        {
            var path = PathOf("torn-write.jsonl");
            Task? queuedMeanwhile = null;
            SendJournal journal = null!;
            var tear = false;
            using (journal = SendJournal.Open(path, new JournalOptions { WriteBatch = (stream, buffer, count) =>
                {
                    if (!tear)
                    {
                        stream.Write(buffer, 0, count);
                        return;
                    }
                    var text = Encoding.UTF8.GetString(buffer, 0, count);
                    if (!text.Contains("\"row\":\"a\""))
                    {
                        stream.Write(buffer, 0, count);
                        return;
                    }
                    // Another worker queues its intent while this batch is being written...
                    queuedMeanwhile = journal.WriteIntentAsync("b", 2, OctopodsChannel.Sms, "+3");
                    // ...and the disk fills half-way through this one.
                    stream.Write(buffer, 0, count / 2);
                    throw new IOException("There is not enough space on the disk.");
                } }))
            {
                await journal.WriteIntentAsync("first", 0, OctopodsChannel.Sms, "+1");
                tear = true;
                var a = await Assert.ThrowsAsync<OctopodsException>(() => journal.WriteIntentAsync("a", 1, OctopodsChannel.Sms, "+2"));
                Assert.Equal(ErrorNames.JournalUnavailable, a.ErrorName);
                Assert.NotNull(queuedMeanwhile);
                // The record queued before the failure is not written after it: its row must not be sent.
                var b = await Assert.ThrowsAsync<OctopodsException>(() => queuedMeanwhile!);
                Assert.Equal(ErrorNames.JournalUnavailable, b.ErrorName);
                await Assert.ThrowsAsync<OctopodsException>(() => journal.WriteIntentAsync("c", 3, OctopodsChannel.Sms, "+4"));
            }
            var text = File.ReadAllText(path);
            Assert.DoesNotContain("\"row\":\"b\"", text);
            Assert.DoesNotContain("\"row\":\"c\"", text);
            Assert.Equal(JournalState.Unknown, JournalFile.Read(path, out _)["first"].State);
        }

        [Fact]
        public async Task Concurrent_writers_share_flushes_and_lose_nothing()
        {
            var path = PathOf("many.jsonl");
            using (var journal = SendJournal.Open(path))
            {
                await Task.WhenAll(Enumerable.Range(0, 500).Select(i => Task.Run(async () =>
                {
                    await journal.WriteIntentAsync("r" + i, i, OctopodsChannel.Sms, "+1");
                    await journal.WriteSentAsync("r" + i, new JournalOutcome { MessageId = "m" + i });
                })));
            }
            var entries = JournalFile.Read(path, out var skipped);
            Assert.Equal(0, skipped);
            Assert.Equal(500, entries.Count);
            Assert.All(entries.Values, e => Assert.Equal(JournalState.Accepted, e.State));
        }
    }

    /// <summary>What the engine keeps per row for the whole run. Runs alone: it measures the heap.</summary>
    [Collection(TimingCollection.Name)]
    public sealed class BulkSenderMemoryTests : IDisposable
    {
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "octopods-mem-" + Guid.NewGuid().ToString("N"));

        public void Dispose()
        {
            try { Directory.Delete(_dir, true); } catch (IOException) { }
        }

        [Fact]
        public async Task Each_row_costs_the_engine_well_under_a_hundred_bytes_for_the_rest_of_the_run()
        {
            const int n = 50000;
            Directory.CreateDirectory(_dir);
            var path = Path.Combine(_dir, "big.jsonl");
            var rows = Enumerable.Range(0, n).Select(i => ("+1415" + (5000000 + i), "m" + i)).ToArray();
            // Every row was accepted by an earlier run: the engine settles each from the journal, no send.
            File.WriteAllLines(path, new[] { "{\"type\":\"octopods-journal\",\"version\":1}" }.Concat(rows.Select(r =>
                "{\"type\":\"sent\",\"row\":\"" + RowIdentity.FromContent(OctopodsChannel.Sms, r.Item1, r.Item2) + "\",\"message_id\":\"x\"}")));
            var operation = new BulkOperation<(string, string), string>(OctopodsChannel.Sms, (r, context, ct) => Task.FromResult("sent"),
                r => r.Item1, r => r.Item2, id => new JournalOutcome { MessageId = id }, (r, e) => "journal");
            using var engine = new BulkSender<(string, string), string>(operation, new BulkOptions(), new SendGate(SystemClock.Instance), SendJournal.Open(path));
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var before = GC.GetTotalMemory(forceFullCollection: true);
            var fromJournal = 0;
            foreach (var row in rows)
            {
                engine.Submit(row, null);
                while (engine.TryTake(out var outcome)) if (outcome.Kind == BulkRowKind.FromJournal) fromJournal++;
            }
            await engine.WaitAllDoneAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
            while (engine.TryTake(out var outcome)) if (outcome.Kind == BulkRowKind.FromJournal) fromJournal++;
            var after = GC.GetTotalMemory(forceFullCollection: true);
            Assert.Equal(n, fromJournal);
            var perRow = (after - before) / (double)n;
            // A 64-character hex string per row kept about 180 bytes; a 16-byte key, at most ~75 with the table's slack.
            Assert.True(perRow < 100, $"{perRow:0} bytes per row kept");
            GC.KeepAlive(engine);
        }
    }

    /// <summary>The engine over a fake send: order, window, journal decisions, stop.</summary>
    public sealed class BulkSenderTests : IDisposable
    {
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "octopods-bulk-" + Guid.NewGuid().ToString("N"));

        public void Dispose()
        {
            try { Directory.Delete(_dir, true); } catch (IOException) { }
        }

        public sealed class Row
        {
            public Row(string to, string body) { To = to; Body = body; }
            public string To { get; }
            public string Body { get; }
        }

        private sealed class FakeService
        {
            public readonly ConcurrentQueue<Row> Sent = new ConcurrentQueue<Row>();
            public int InFlight, Peak, Calls;
            public Func<Row, Task>? Delay;
            public Func<Row, Exception?>? Fail;

            public async Task<string> Send(Row row, CancellationToken ct)
            {
                Interlocked.Increment(ref Calls);
                var now = Interlocked.Increment(ref InFlight);
                int peak;
                while ((peak = Volatile.Read(ref Peak)) < now && Interlocked.CompareExchange(ref Peak, now, peak) != peak) { }
                try
                {
                    if (Delay != null) await Delay(row); else await Task.Yield();
                    ct.ThrowIfCancellationRequested();
                    var failure = Fail?.Invoke(row);
                    if (failure != null) throw failure;
                    Sent.Enqueue(row);
                    return "id:" + row.Body;
                }
                finally
                {
                    Interlocked.Decrement(ref InFlight);
                }
            }

            public BulkOperation<Row, string> Operation() => new BulkOperation<Row, string>(OctopodsChannel.Sms, (row, context, ct) => Send(row, ct),
                r => r.To, r => r.Body, id => new JournalOutcome { MessageId = id }, (r, e) => "journal:" + e.MessageId);
        }

        private static async Task<List<BulkRowOutcome<Row, string>>> RunAll(BulkSender<Row, string> engine, IEnumerable<Row> rows, Func<Row, string?>? key = null)
        {
            var outcomes = new List<BulkRowOutcome<Row, string>>();
            void Take()
            {
                while (engine.TryTake(out var o)) outcomes.Add(o);
            }
            foreach (var row in rows)
            {
                while (true)
                {
                    Take();
                    if (engine.HasRoom) break;
                    await engine.WhenReadyAsync().WaitAsync(TimeSpan.FromSeconds(30));
                }
                engine.Submit(row, row, key?.Invoke(row));
                Take();
            }
            while (!engine.IsEmpty)
            {
                Take();
                if (!engine.IsEmpty) await engine.WhenNextAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
            return outcomes;
        }

        private static List<Row> Rows(int n) => Enumerable.Range(0, n).Select(i => new Row("+1415555" + (1000 + i), "m" + i)).ToList();

        [Fact]
        public async Task Outcomes_come_back_in_input_order_while_sends_overlap_within_the_limit()
        {
            var random = new Random(7);
            var delays = Enumerable.Range(0, 200).Select(_ => random.Next(0, 15)).ToArray();
            var service = new FakeService { Delay = r => Task.Delay(delays[int.Parse(r.Body.AsSpan(1), CultureInfo.InvariantCulture)]) };
            using var engine = new BulkSender<Row, string>(service.Operation(), new BulkOptions { ThrottleLimit = 8 }, new SendGate(SystemClock.Instance));
            var rows = Rows(200);
            var outcomes = await RunAll(engine, rows);
            Assert.Equal(rows, outcomes.Select(o => (Row)o.State!));
            Assert.Equal(Enumerable.Range(0, 200).Select(i => (long)i), outcomes.Select(o => o.Sequence));
            Assert.All(outcomes, o => Assert.Equal(BulkRowKind.Sent, o.Kind));
            Assert.InRange(service.Peak, 2, 8);
            // Completion order differed from input order, or ordering would prove nothing.
            Assert.NotEqual(rows, service.Sent.ToList());
        }

        [Fact]
        public async Task ThrottleLimit_1_sends_strictly_in_sequence()
        {
            var service = new FakeService { Delay = r => Task.Delay(r.Body.EndsWith('0') ? 5 : 0) };
            using var engine = new BulkSender<Row, string>(service.Operation(), new BulkOptions { ThrottleLimit = 1 }, new SendGate(SystemClock.Instance));
            var rows = Rows(30);
            await RunAll(engine, rows);
            Assert.Equal(1, service.Peak);
            Assert.Equal(rows, service.Sent.ToList());
        }

        [Fact]
        public void A_slow_first_row_bounds_how_many_finished_rows_are_held()
        {
            var release = new TaskCompletionSource<bool>();
            var service = new FakeService { Delay = r => r.Body == "m0" ? release.Task : Task.CompletedTask };
            var options = new BulkOptions { ThrottleLimit = 4 };
            using var engine = new BulkSender<Row, string>(service.Operation(), options, new SendGate(SystemClock.Instance));
            var submitted = 0;
            foreach (var row in Rows(1000))
            {
                if (!engine.HasRoom) break;
                engine.Submit(row, row);
                submitted++;
                SpinWait.SpinUntil(() => engine.InFlight <= 1 || engine.HasRoom, 1000);
            }
            Assert.InRange(submitted, 4, options.ThrottleLimit * 4 + 16);
            Assert.False(engine.TryTake(out _));   // the head is still out, so nothing may overtake it
            release.SetResult(true);
        }

        [Fact]
        public async Task A_failed_first_row_wakes_the_pipeline_at_once_so_a_stop_comes_before_more_sends()
        {
            // Rows behind it are slow: without the error rule the pipeline would sleep until a batch is done.
            var slow = new TaskCompletionSource<bool>();
            var service = new FakeService
            {
                Delay = r => r.Body == "m0" ? Task.Delay(30) : slow.Task,
                Fail = r => r.Body == "m0" ? new OctopodsException(ErrorNames.ProviderError, OctopodsErrorKind.ProviderError, "no") : null,
            };
            using var engine = new BulkSender<Row, string>(service.Operation(), new BulkOptions { ThrottleLimit = 64 }, new SendGate(SystemClock.Instance));
            foreach (var row in Rows(20)) engine.Submit(row, row);

            // Waiting before m0 fails (30 ms, under the engine's 100 ms freshness wake).
            await engine.WhenNextAsync().WaitAsync(TimeSpan.FromSeconds(1));

            Assert.True(engine.TryTake(out var first));
            Assert.Equal(BulkRowKind.Failed, first.Kind);
            Assert.False(engine.TryTake(out _));   // the 19 behind it are all still out
            slow.SetResult(true);
        }

        [Fact]
        public async Task The_next_send_does_not_wait_for_the_previous_outcome_to_reach_the_disk()
        {
            // ThrottleLimit 1: row m1's intent may be queued while m0's "sent" record is still being
            // written, so the two share an fsync instead of taking one each in turn.
            SendJournal journal = null!;
            bool? nextIntentQueued = null;
            journal = SendJournal.Open(Path.Combine(_dir, "overlap.jsonl"), new JournalOptions { WriteBatch = (stream, buffer, count) =>
            {
                var text = Encoding.UTF8.GetString(buffer, 0, count);
                if (text.Contains("\"type\":\"sent\"") && nextIntentQueued == null)
                {
                    // The header, the run record, m0's intent and outcome, then m1's intent: five records.
                    nextIntentQueued = SpinWait.SpinUntil(() => journal.RecordsWritten >= 5, TimeSpan.FromSeconds(5));
                }
                stream.Write(buffer, 0, count);
            } });
            var service = new FakeService();
            using var engine = new BulkSender<Row, string>(service.Operation(), new BulkOptions { ThrottleLimit = 1 }, new SendGate(SystemClock.Instance), journal);

            var outcomes = await RunAll(engine, Rows(3));

            Assert.True(nextIntentQueued == true, "m1's intent waited for m0's outcome to be on disk");
            Assert.All(outcomes, o => Assert.Equal(BulkRowKind.Sent, o.Kind));
            Assert.Equal(1, service.Peak);
        }

        [Fact]
        public async Task A_resumed_run_skips_accepted_rows_retries_refused_ones_and_reports_unknown_ones()
        {
            var path = Path.Combine(_dir, "j.jsonl");
            var rows = Rows(6);
            var first = new FakeService
            {
                Fail = r => r.Body switch
                {
                    "m1" => new OctopodsException(ErrorNames.ProviderError, OctopodsErrorKind.ProviderError, "carrier said no"),
                    "m2" => new OctopodsException(ErrorNames.OutcomeUnknown, OctopodsErrorKind.OutcomeUnknown, "timed out"),
                    _ => null,
                },
            };
            using (var engine = new BulkSender<Row, string>(first.Operation(), new BulkOptions(), new SendGate(SystemClock.Instance), SendJournal.Open(path)))
            {
                var outcomes = await RunAll(engine, rows.Take(4));
                Assert.Equal(new[] { BulkRowKind.Sent, BulkRowKind.Failed, BulkRowKind.Unknown, BulkRowKind.Sent }, outcomes.Select(o => o.Kind));
            }
            // A kill between intent and outcome: the row is in the journal with no outcome.
            var killedId = RowIdentity.FromContent(OctopodsChannel.Sms, rows[4].To, rows[4].Body);
            File.AppendAllText(path, "{\"type\":\"intent\",\"row\":\"" + killedId + "\",\"seq\":4,\"to\":\"" + rows[4].To + "\"}\n");

            var second = new FakeService();
            using (var engine = new BulkSender<Row, string>(second.Operation(), new BulkOptions(), new SendGate(SystemClock.Instance), SendJournal.Open(path)))
            {
                var outcomes = await RunAll(engine, rows);
                Assert.Equal(new[] { BulkRowKind.FromJournal, BulkRowKind.Sent, BulkRowKind.Unknown, BulkRowKind.FromJournal, BulkRowKind.Unknown, BulkRowKind.Sent },
                    outcomes.Select(o => o.Kind));
                Assert.Equal("journal:id:m0", outcomes[0].Result);
                Assert.Equal(ErrorNames.OutcomeUnknown, outcomes[4].Error!.ErrorName);
                Assert.Contains("-ResendUnknown", outcomes[4].Error!.Message);
                Assert.Equal(new[] { "m1", "m5" }, second.Sent.Select(r => r.Body).OrderBy(b => b));
            }

            var third = new FakeService();
            using (var engine = new BulkSender<Row, string>(third.Operation(), new BulkOptions { ResendUnknown = true }, new SendGate(SystemClock.Instance), SendJournal.Open(path)))
            {
                var outcomes = await RunAll(engine, rows);
                Assert.Equal(new[] { "m2", "m4" }, third.Sent.Select(r => r.Body).OrderBy(b => b));
                Assert.Equal(4, outcomes.Count(o => o.Kind == BulkRowKind.FromJournal));
            }
        }

        [Fact]
        public async Task Duplicate_explicit_keys_are_refused_without_a_journal_too()
        {
            var rows = new[] { new Row("+1", "a"), new Row("+2", "b"), new Row("+3", "c") };
            var service = new FakeService();
            using var engine = new BulkSender<Row, string>(service.Operation(), new BulkOptions(), new SendGate(SystemClock.Instance));

            var outcomes = await RunAll(engine, rows, r => r.To == "+1" || r.To == "+3" ? "order-1001" : null);

            Assert.Equal(new[] { BulkRowKind.Sent, BulkRowKind.Sent, BulkRowKind.Failed }, outcomes.Select(o => o.Kind));
            Assert.Equal(ErrorNames.DuplicateIdempotencyKey, outcomes[2].Error!.ErrorName);
            Assert.Equal(new[] { "a", "b" }, service.Sent.Select(r => r.Body).OrderBy(b => b));
        }

        [Fact]
        public async Task Repeated_rows_are_distinct_rows_and_duplicate_explicit_keys_are_refused()
        {
            var path = Path.Combine(_dir, "dup.jsonl");
            var rows = new[] { new Row("+1", "same"), new Row("+1", "same"), new Row("+2", "x"), new Row("+3", "y") };
            var service = new FakeService();
            using (var engine = new BulkSender<Row, string>(service.Operation(), new BulkOptions(), new SendGate(SystemClock.Instance), SendJournal.Open(path)))
            {
                var outcomes = await RunAll(engine, rows, r => r.To == "+3" || r.To == "+2" ? "K" : null);
                Assert.Equal(new[] { BulkRowKind.Sent, BulkRowKind.Sent, BulkRowKind.Sent, BulkRowKind.Failed }, outcomes.Select(o => o.Kind));
                Assert.Equal(ErrorNames.DuplicateIdempotencyKey, outcomes[3].Error!.ErrorName);
                Assert.NotEqual(outcomes[0].RowId, outcomes[1].RowId);
            }
            var again = new FakeService();
            using (var engine = new BulkSender<Row, string>(again.Operation(), new BulkOptions(), new SendGate(SystemClock.Instance), SendJournal.Open(path)))
            {
                var outcomes = await RunAll(engine, rows.Take(3), r => r.To == "+2" ? "K" : null);
                Assert.All(outcomes, o => Assert.Equal(BulkRowKind.FromJournal, o.Kind));
                Assert.Empty(again.Sent);
            }
            Assert.DoesNotContain("\"K\"", File.ReadAllText(path));
        }

        [Fact]
        public async Task A_row_stopped_while_its_intent_is_flushed_is_not_sent_and_is_journaled_as_failed()
        {
            var path = Path.Combine(_dir, "intent-stop.jsonl");
            var service = new FakeService();
            var row = Rows(1)[0];
            BulkSender<Row, string> engine = null!;
            // Ctrl+C lands while the intent is on its way to disk.
            var journal = SendJournal.Open(path, JournalWrites.OnIntent(_ => engine.Stop()));
            using (engine = new BulkSender<Row, string>(service.Operation(), new BulkOptions(), new SendGate(SystemClock.Instance), journal))
            {
                engine.Submit(row, row);
                await engine.WaitAllDoneAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
                Assert.True(engine.TryTake(out var outcome));
                Assert.Equal(BulkRowKind.NotAttempted, outcome.Kind);
                Assert.Equal(1, engine.Counters.NotAttempted);
            }
            Assert.Equal(0, service.Calls);
            var entry = JournalFile.Read(path, out _).Values.Single();
            Assert.Equal(JournalState.Failed, entry.State);   // certain: a resumed run sends it
        }

        [Fact]
        public async Task Stopping_leaves_waiting_rows_unattempted_and_without_an_intent()
        {
            var path = Path.Combine(_dir, "stop.jsonl");
            var gate = new SendGate(SystemClock.Instance);
            var service = new FakeService();
            var rows = Rows(5);
            using (var engine = new BulkSender<Row, string>(service.Operation(), new BulkOptions { ThrottleLimit = 8 }, gate, SendJournal.Open(path)))
            {
                _ = gate.RateLimited(TimeSpan.FromMinutes(5), gate.Current); // as if a 429 asked for five minutes
                foreach (var row in rows) engine.Submit(row, row);
                engine.Stop();
                await engine.WaitAllDoneAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
                var outcomes = new List<BulkRowOutcome<Row, string>>();
                while (engine.TryTake(out var o)) outcomes.Add(o);
                Assert.Equal(5, outcomes.Count);
                Assert.All(outcomes, o => Assert.Equal(BulkRowKind.NotAttempted, o.Kind));
                Assert.Equal(5, engine.Counters.NotAttempted);
            }
            Assert.Equal(0, service.Calls);
            Assert.DoesNotContain("intent", File.ReadAllText(path));
        }
    }
}

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

namespace Octopods.Tests.Bulk
{
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
            byte[]? secret;
            using (var journal = SendJournal.Open(path)) secret = journal.RowSecret;   // the journal names its rows with its own secret
            var killedId = RowIdentity.FromComparableContent(OctopodsChannel.Sms, rows[4].To, rows[4].Body, secret);
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
        public async Task Outcomes_the_journal_could_not_record_are_counted_and_read_back_as_unknown()
        {
            var path = Path.Combine(_dir, "full.jsonl");
            var sentBatches = 0;
            var options = new JournalOptions
            {
                // The disk fills up while the second accepted send is being recorded.
                WriteBatch = (file, buffer, count) =>
                {
                    if (Encoding.UTF8.GetString(buffer, 0, count).Contains("\"type\":\"sent\"", StringComparison.Ordinal) && ++sentBatches == 2)
                        throw new IOException("No space left on device");
                    file.Write(buffer, 0, count);
                },
            };
            var service = new FakeService();
            int unjournaled;
            using (var engine = new BulkSender<Row, string>(service.Operation(), new BulkOptions { ThrottleLimit = 1 }, new SendGate(SystemClock.Instance), SendJournal.Open(path, options)))
            {
                var outcomes = await RunAll(engine, Rows(4));
                // The first two went out; after the failed write no intent can be recorded, so nothing more is sent.
                Assert.Equal(new[] { BulkRowKind.Sent, BulkRowKind.Sent, BulkRowKind.Failed, BulkRowKind.Failed }, outcomes.Select(o => o.Kind));
                Assert.Equal(ErrorNames.JournalUnavailable, outcomes[2].Error!.ErrorName);
                unjournaled = engine.Counters.Unjournaled;
            }
            Assert.Equal(2, service.Calls);
            Assert.Equal(1, unjournaled);
            using var reopened = SendJournal.Open(path);
            Assert.Equal(unjournaled, reopened.Previous.Values.Count(e => e.State == JournalState.Unknown));
            Assert.Contains("could not record the outcome of 1 row(s)", new BulkSummary { Command = "Send-OctopodsSms", Rows = 4, Sent = 2, Failed = 2, NotJournaled = 1 }.ToString());
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
        public async Task A_repeated_row_is_sent_once_and_with_repeats_allowed_is_its_own_row()
        {
            var rows = new[] { new Row("+1", "same"), new Row("+2", "other"), new Row("+1", "same "), new Row("+1", "same"), new Row("+1", "different") };
            foreach (var journaled in new[] { false, true })
            {
                var service = new FakeService();
                var journal = journaled ? SendJournal.Open(Path.Combine(_dir, "repeats.jsonl")) : null;
                using var engine = new BulkSender<Row, string>(service.Operation(), new BulkOptions(), new SendGate(SystemClock.Instance), journal);
                var outcomes = await RunAll(engine, rows);
                Assert.Equal(new[] { BulkRowKind.Sent, BulkRowKind.Sent, BulkRowKind.Duplicate, BulkRowKind.Duplicate, BulkRowKind.Sent }, outcomes.Select(o => o.Kind));
                Assert.Equal(ErrorNames.DuplicateRow, outcomes[2].Error!.ErrorName);
                Assert.Contains("-AllowDuplicate", outcomes[2].Error!.Fix);
                Assert.Equal(3, service.Calls);
                Assert.Equal(2, engine.Counters.Duplicates);
            }
        }

        [Fact]
        public async Task Repeated_rows_allowed_are_distinct_rows_and_duplicate_explicit_keys_are_refused()
        {
            var path = Path.Combine(_dir, "dup.jsonl");
            var rows = new[] { new Row("+1", "same"), new Row("+1", "same"), new Row("+2", "x"), new Row("+3", "y") };
            var service = new FakeService();
            using (var engine = new BulkSender<Row, string>(service.Operation(), new BulkOptions { AllowDuplicates = true }, new SendGate(SystemClock.Instance), SendJournal.Open(path)))
            {
                var outcomes = await RunAll(engine, rows, r => r.To == "+3" || r.To == "+2" ? "K" : null);
                Assert.Equal(new[] { BulkRowKind.Sent, BulkRowKind.Sent, BulkRowKind.Sent, BulkRowKind.Failed }, outcomes.Select(o => o.Kind));
                Assert.Equal(ErrorNames.DuplicateIdempotencyKey, outcomes[3].Error!.ErrorName);
                Assert.NotEqual(outcomes[0].RowId, outcomes[1].RowId);
            }
            var again = new FakeService();
            using (var engine = new BulkSender<Row, string>(again.Operation(), new BulkOptions { AllowDuplicates = true }, new SendGate(SystemClock.Instance), SendJournal.Open(path)))
            {
                var outcomes = await RunAll(engine, rows.Take(3), r => r.To == "+2" ? "K" : null);
                Assert.All(outcomes, o => Assert.Equal(BulkRowKind.FromJournal, o.Kind));
                Assert.Empty(again.Sent);
            }
            Assert.DoesNotContain("\"K\"", File.ReadAllText(path));
        }

        [Fact]
        public async Task An_outage_pauses_the_run_then_stops_it_and_a_plain_resume_sends_the_rows_not_attempted()
        {
            var path = Path.Combine(_dir, "outage.jsonl");
            var start = new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);
            var clock = new VirtualClock(start);
            var rows = Rows(60);
            var down = new FakeService { Fail = _ => new OctopodsException(ErrorNames.ServerError, OctopodsErrorKind.OutcomeUnknown, "HTTP 500") };
            using (var engine = new BulkSender<Row, string>(down.Operation(), new BulkOptions { ThrottleLimit = 1 }, new SendGate(clock), SendJournal.Open(path)))
            {
                var outcomes = await RunAll(engine, rows);
                // 5 errors in a row pause 2 s, 5 more 4 s, 5 more 8 s; the next 5 stop the run.
                var stopAfter = OutageWatch.ErrorsBeforePause * (OutageWatch.PauseCount + 1);
                Assert.Equal(stopAfter, down.Calls);
                Assert.Equal(stopAfter, outcomes.Count(o => o.Kind == BulkRowKind.Unknown));
                Assert.Equal(rows.Count - stopAfter, outcomes.Count(o => o.Kind == BulkRowKind.NotAttempted));
                Assert.Contains("sends in a row", engine.StopReason);
                Assert.True(clock.UtcNow - start >= TimeSpan.FromSeconds(14), $"paused only {clock.UtcNow - start}");
            }
            var report = JournalReport.Read(path);
            Assert.Contains("stopped itself", Assert.Single(report.Stops).Message);

            var healthy = new FakeService();
            using (var engine = new BulkSender<Row, string>(healthy.Operation(), new BulkOptions(), new SendGate(SystemClock.Instance), SendJournal.Open(path)))
            {
                var outcomes = await RunAll(engine, rows);
                Assert.Equal(40, healthy.Calls);   // the rows not attempted, and none of the unknown ones
                Assert.Equal(20, outcomes.Count(o => o.Kind == BulkRowKind.Unknown));
                Assert.Null(engine.StopReason);
            }
        }

        [Fact]
        public async Task Errors_of_the_rows_own_never_stop_the_run_and_an_answer_ends_a_run_of_server_errors()
        {
            var calls = 0;
            var service = new FakeService
            {
                // Server errors four at a time, each run of them ended by one the service refuses for the row's own reason.
                Fail = _ => Interlocked.Increment(ref calls) % 5 == 0
                    ? new OctopodsException(ErrorNames.PhoneInvalid, OctopodsErrorKind.InvalidArgument, "not E.164")
                    : new OctopodsException(ErrorNames.ServerError, OctopodsErrorKind.OutcomeUnknown, "HTTP 502"),
            };
            using var engine = new BulkSender<Row, string>(service.Operation(), new BulkOptions { ThrottleLimit = 1 }, new SendGate(new VirtualClock()));
            var outcomes = await RunAll(engine, Rows(50));
            Assert.Equal(50, service.Calls);
            Assert.Null(engine.StopReason);
            Assert.Equal(0, outcomes.Count(o => o.Kind == BulkRowKind.NotAttempted));
        }

        [Fact]
        public async Task No_request_leaves_before_its_intent_is_on_disk()
        {
            // The journal's write hook holds the batch that carries the intent: until it is released,
            // the intent is queued but not on disk, and the send must not start. Deterministic: no race
            // decides it, only the order the engine keeps.
            var path = Path.Combine(_dir, "held.jsonl");
            using var release = new ManualResetEventSlim(false);
            var held = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            var journal = SendJournal.Open(path, new JournalOptions
            {
                WriteBatch = (file, buffer, count) =>
                {
                    if (Encoding.UTF8.GetString(buffer, 0, count).Contains("\"type\":\"intent\"", StringComparison.Ordinal))
                    {
                        held.TrySetResult(true);
                        release.Wait(TimeSpan.FromSeconds(30));
                    }
                    file.Write(buffer, 0, count);
                },
            });
            var service = new FakeService();
            var row = Rows(1)[0];
            using var engine = new BulkSender<Row, string>(service.Operation(), new BulkOptions(), new SendGate(SystemClock.Instance), journal);
            engine.Submit(row, row);
            try
            {
                await held.Task.WaitAsync(TimeSpan.FromSeconds(10));
                await Task.Delay(300);
                Assert.Equal(0, Volatile.Read(ref service.Calls));
            }
            finally
            {
                release.Set();
            }
            await engine.WaitAllDoneAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(1, Volatile.Read(ref service.Calls));
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

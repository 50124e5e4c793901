using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Octopods.FlowControl;
using Octopods.Bulk;
using Octopods.Http;
using Octopods.Sandbox;
using Octopods.Sms;
using Octopods.TestServer;
using Octopods.Time;
using Xunit;

namespace Octopods.Tests.Bulk
{
    /// <summary>The engine with the real client against the emulator on a loopback socket, on the wall clock.</summary>
    [Collection(TimingCollection.Name)]
    public class BulkLoopbackTests : IAsyncLifetime
    {
        private EmulatorServer _server = null!;

        static BulkLoopbackTests()
        {
            // The test host keeps two thread-pool threads blocked for the whole run (vstest's message loop
            // and xunit's assembly runner), and the server shares the pool with the client here: on two
            // cores that leaves the pool starved, so requests queue for the 500 ms thread injections and
            // reach the server in bursts no pacer could prevent. A real host has its pool to itself.
            ThreadPool.GetMinThreads(out var workers, out var io);
            ThreadPool.SetMinThreads(Math.Max(workers, 16), io);
        }

        public async Task InitializeAsync() => _server = await EmulatorServer.StartAsync(new OctopodsEmulator(SystemClock.Instance));
        public async Task DisposeAsync() => await _server.DisposeAsync();

        private (BulkSender<SmsSendRequest, SmsSendResult> engine, SendGate gate) Engine(int throttle, double? rate = null, SendJournal? journal = null)
        {
            var gate = new SendGate(SystemClock.Instance, rate.HasValue ? new RatePacer(rate.Value, SystemClock.Instance) : null);
            var options = new OctopodsClientOptions(OctopodsChannel.Sms, new ApiKey("k"), _server.BaseUri);
            var api = new SmsApi(new OctopodsClient(options));
            var operation = ChannelOperations.Sms(api);
            return (new BulkSender<SmsSendRequest, SmsSendResult>(operation, new BulkOptions { ThrottleLimit = throttle }, gate, journal), gate);
        }

        private static async Task<List<BulkRowOutcome<SmsSendRequest, SmsSendResult>>> RunAll(BulkSender<SmsSendRequest, SmsSendResult> engine, IEnumerable<SmsSendRequest> rows)
        {
            var outcomes = new List<BulkRowOutcome<SmsSendRequest, SmsSendResult>>();
            foreach (var row in rows)
            {
                while (true)
                {
                    while (engine.TryTake(out var o)) outcomes.Add(o);
                    if (engine.HasRoom) break;
                    await engine.WhenReadyAsync().WaitAsync(TimeSpan.FromSeconds(30));
                }
                engine.Submit(row, row);
            }
            while (!engine.IsEmpty)
            {
                while (engine.TryTake(out var o)) outcomes.Add(o);
                if (!engine.IsEmpty) await engine.WhenNextAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
            return outcomes;
        }

        private static List<SmsSendRequest> Rows(int n) =>
            Enumerable.Range(0, n).Select(i => SmsSendRequest.Create("+1415555" + (2000 + i), "row " + i)).ToList();

        [Fact]
        public async Task A_429_storm_pauses_every_worker_and_loses_or_duplicates_nothing()
        {
            var gateLock = new object();
            var posts = 0;
            DateTimeOffset? stormStart = null, stormUntil = null;
            var arrivals = new List<DateTimeOffset>();
            var refused = 0;
            _server.Latency = TimeSpan.FromMilliseconds(5);
            _server.Intercept = async ctx =>
            {
                if (ctx.Request.Method != "POST") return false;
                var now = DateTimeOffset.UtcNow;
                string? message = null;
                lock (gateLock)
                {
                    arrivals.Add(now);
                    posts++;
                    if (posts == 15 && stormStart == null)
                    {
                        stormStart = now;
                        // Whole seconds, as the service writes them: at least 1.2 s of storm.
                        var until = now.AddSeconds(1.2);
                        stormUntil = new DateTimeOffset(until.Year, until.Month, until.Day, until.Hour, until.Minute, until.Second, TimeSpan.Zero).AddSeconds(1);
                    }
                    if (stormStart != null && now < stormUntil)
                    {
                        refused++;
                        message = "You have fired too many requests. Please try after " +
                                  stormUntil.Value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC.";
                    }
                }
                if (message == null) return false;
                ctx.Response.StatusCode = 429;
                ctx.Response.ContentType = "application/json";
                await ctx.Response.WriteAsync("{\"message\":\"" + message + "\"}");
                return true;
            };

            var (engine, gate) = Engine(throttle: 16);
            var rows = Rows(60);
            List<BulkRowOutcome<SmsSendRequest, SmsSendResult>> outcomes;
            using (engine) outcomes = await RunAll(engine, rows);

            Assert.All(outcomes, o => Assert.Equal(BulkRowKind.Sent, o.Kind));
            Assert.True(refused >= 1, "the storm refused nothing");
            Assert.True(gate.Pauses >= 1);
            var ledger = _server.Emulator.Ledger;
            Assert.Equal(rows.Select(r => r.Body).OrderBy(b => b), ledger.Select(s => s.Content).OrderBy(b => b));   // each row exactly once
            Assert.Equal(outcomes.Select(o => o.Result!.MessageId).OrderBy(x => x), ledger.Select(s => s.MessageId).OrderBy(x => x));
            // Once the first 429 was answered, every worker held off until the announced time.
            var quiet = arrivals.Where(t => t > stormStart!.Value.AddMilliseconds(250) && t < stormUntil!.Value.AddMilliseconds(-20)).ToList();
            Assert.Empty(quiet);
        }

        /// <summary>Timestamps every POST as the server receives it (monotonic), before anything else handles it.</summary>
        private List<long> RecordArrivals(Func<int, HttpContext, Task<bool>>? answer = null)
        {
            var arrivals = new List<long>();
            _server.Intercept = async ctx =>
            {
                if (ctx.Request.Method != "POST") return false;
                int n;
                lock (arrivals)
                {
                    arrivals.Add(System.Diagnostics.Stopwatch.GetTimestamp());
                    n = arrivals.Count;
                }
                return answer != null && await answer(n, ctx);
            };
            return arrivals;
        }

        /// <summary>The most arrivals in any window of one second (sliding, measured at the server).</summary>
        private static int MaxInOneSecond(List<long> arrivals)
        {
            List<long> t;
            lock (arrivals) t = arrivals.OrderBy(x => x).ToList();
            var max = 0;
            for (int i = 0, j = 0; j < t.Count; j++)
            {
                while (t[j] - t[i] >= System.Diagnostics.Stopwatch.Frequency) i++;
                max = Math.Max(max, j - i + 1);
            }
            return max;
        }

        private static string Offsets(List<long> arrivals)
        {
            List<long> t;
            lock (arrivals) t = arrivals.OrderBy(x => x).ToList();
            return string.Join(" ", t.Select(x => ((x - t[0]) * 1000.0 / System.Diagnostics.Stopwatch.Frequency).ToString("0", CultureInfo.InvariantCulture)));
        }

        private static double SpanSeconds(List<long> arrivals)
        {
            lock (arrivals) return (double)(arrivals.Max() - arrivals.Min()) / System.Diagnostics.Stopwatch.Frequency;
        }

        [Fact]
        public async Task Pacing_holds_arrivals_to_the_rate_in_every_one_second_window()
        {
            var arrivals = RecordArrivals();
            var journalPath = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "octopods-pace-" + Guid.NewGuid().ToString("N") + ".jsonl");
            var (engine, _) = Engine(throttle: 8, rate: 10, journal: SendJournal.Open(journalPath));
            var rows = Rows(25);
            var watch = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                using (engine) await RunAll(engine, rows);
            }
            finally
            {
                try { System.IO.File.Delete(journalPath); } catch (System.IO.IOException) { }
            }
            watch.Stop();
            Assert.Equal(25, arrivals.Count);
            Assert.Equal(25, _server.Emulator.Ledger.Count);
            // The turn is taken immediately before each request leaves (after the journal's flush), with a
            // margin, so the server never sees more than R in any second.
            Assert.True(MaxInOneSecond(arrivals) <= 10, $"{MaxInOneSecond(arrivals)} arrivals within one second at 10/s (ms: {Offsets(arrivals)})");
            Assert.True(SpanSeconds(arrivals) >= 2.0, $"span {SpanSeconds(arrivals):0.00} s");
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20));
        }

        [Fact]
        public async Task Rows_held_by_a_429_pause_go_out_paced_when_it_ends()
        {
            // The first POST is refused for 2 s: the rows that queue up meanwhile must not all fire when it ends.
            var arrivals = RecordArrivals(async (n, ctx) =>
            {
                if (n != 1) return false;
                ctx.Response.StatusCode = 429;
                ctx.Response.Headers["Retry-After"] = "2";
                ctx.Response.ContentType = "application/json";
                await ctx.Response.WriteAsync("{\"message\":\"You have fired too many requests.\"}");
                return true;
            });
            var (engine, gate) = Engine(throttle: 8, rate: 5);
            var rows = Rows(15);
            List<BulkRowOutcome<SmsSendRequest, SmsSendResult>> outcomes;
            using (engine) outcomes = await RunAll(engine, rows);
            Assert.All(outcomes, o => Assert.Equal(BulkRowKind.Sent, o.Kind));
            Assert.Equal(1, gate.Pauses);
            Assert.Equal(16, arrivals.Count);   // the refused row once more
            Assert.Equal(rows.Select(r => r.Body).OrderBy(b => b), _server.Emulator.Ledger.Select(s => s.Content).OrderBy(b => b));
            Assert.True(MaxInOneSecond(arrivals) <= 5, $"{MaxInOneSecond(arrivals)} arrivals within one second at 5/s (ms: {Offsets(arrivals)})");
        }

        [Fact]
        public async Task A_run_meeting_the_services_limit_learns_it_and_sends_everything_with_few_429s()
        {
            // 10 sends in any second, no -RatePerSecond: the first burst meets the limit, the rest is paced to it.
            var limit = new SendRateLimit(10);
            _server.RateLimit = limit;
            _server.Latency = TimeSpan.FromMilliseconds(5);
            var (engine, gate) = Engine(throttle: 4);
            var rows = Rows(50);
            List<BulkRowOutcome<SmsSendRequest, SmsSendResult>> outcomes;
            var watch = System.Diagnostics.Stopwatch.StartNew();
            using (engine) outcomes = await RunAll(engine, rows);
            watch.Stop();

            Assert.All(outcomes, o => Assert.Equal(BulkRowKind.Sent, o.Kind));
            Assert.Equal(rows.Select(r => r.Body).OrderBy(b => b), _server.Emulator.Ledger.Select(s => s.Content).OrderBy(b => b));
            Assert.True(gate.LearnedRatePerSecond == 10, $"learned {gate.LearnedRatePerSecond}/s after {gate.Pauses} pauses, {limit.Refused} refused");
            Assert.Equal(10, gate.Pacer!.RatePerSecond);
            // Only the sends in flight when the limit was first met are refused: without learning, every
            // second meets the limit again (about 4 refusals a second here).
            Assert.True(limit.Refused <= 5, $"{limit.Refused} sends refused");
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(9), $"{watch.Elapsed.TotalSeconds:0.0} s for 50 rows at 10/s");
        }

        [Fact]
        public async Task Paced_rows_reach_the_server_in_input_order()
        {
            // A journal makes each row's intent wait for a flush, and flushes finish in any order: the
            // rows reach the pacer out of order, and it must still let them go in input order.
            var journalPath = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "octopods-order-" + Guid.NewGuid().ToString("N") + ".jsonl");
            var (engine, _) = Engine(throttle: 8, rate: 10, journal: SendJournal.Open(journalPath));
            var rows = Rows(16);
            try
            {
                using (engine) await RunAll(engine, rows);
            }
            finally
            {
                try { System.IO.File.Delete(journalPath); } catch (System.IO.IOException) { }
            }
            Assert.Equal(rows.Select(r => r.Body), _server.Emulator.Ledger.Select(s => s.Content));
        }
    }
}

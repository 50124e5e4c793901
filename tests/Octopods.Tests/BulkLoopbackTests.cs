using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Octopods.Bulk;
using Octopods.Http;
using Octopods.Sandbox;
using Octopods.Sms;
using Octopods.TestServer;
using Octopods.Time;
using Xunit;

namespace Octopods.Tests
{
    /// <summary>The engine with the real client against the emulator on a loopback socket, on the wall clock.</summary>
    public class BulkLoopbackTests : IAsyncLifetime
    {
        private EmulatorServer _server = null!;

        public async Task InitializeAsync() => _server = await EmulatorServer.StartAsync(new OctopodsEmulator(SystemClock.Instance));
        public async Task DisposeAsync() => await _server.DisposeAsync();

        private (BulkSender<SmsSendRequest, SmsSendResult> engine, SendGate gate) Engine(int throttle, double? rate = null)
        {
            var gate = new SendGate(SystemClock.Instance, rate.HasValue ? new RatePacer(rate.Value, SystemClock.Instance) : null);
            var options = new OctopodsClientOptions(OctopodsChannel.Sms, new ApiKey("k"), _server.BaseUri) { Gate = gate };
            var api = new SmsApi(new OctopodsClient(options));
            var operation = new BulkOperation<SmsSendRequest, SmsSendResult>(OctopodsChannel.Sms, api.SendAsync,
                r => r.DestinationPhone, r => r.Body, s => new JournalOutcome { MessageId = s.MessageId }, (r, e) => new SmsSendResult { MessageId = e.MessageId ?? "" });
            return (new BulkSender<SmsSendRequest, SmsSendResult>(operation, new BulkOptions { ThrottleLimit = throttle }, gate), gate);
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

        [Fact]
        public async Task Pacing_holds_arrivals_to_the_rate_in_every_one_second_window()
        {
            var (engine, _) = Engine(throttle: 8, rate: 10);
            var rows = Rows(16);
            var watch = System.Diagnostics.Stopwatch.StartNew();
            using (engine) await RunAll(engine, rows);
            watch.Stop();
            var times = _server.Emulator.Ledger.Select(s => s.AcceptedAt).OrderBy(t => t).ToList();
            Assert.Equal(16, times.Count);
            var maxInWindow = times.Select((t, i) => times.Skip(i).TakeWhile(u => u - t < TimeSpan.FromSeconds(1)).Count()).Max();
            // Generous bounds: the figures belong to the benchmark. 16 sends at 10/s need at least 1.5 s.
            Assert.InRange(maxInWindow, 1, 12);
            Assert.True(times[times.Count - 1] - times[0] >= TimeSpan.FromSeconds(1.1), $"span {(times[times.Count - 1] - times[0]).TotalSeconds:0.00} s");
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10));
        }
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Octopods.FlowControl;
using Octopods.Bulk;
using Octopods.Errors;
using Octopods.Http;
using Octopods.Sms;
using Octopods.Time;
using Xunit;

namespace Octopods.Tests.Bulk
{
    /// <summary>The engine with the real client over an in-process handler: stops during 429 pauses, quota blocks.</summary>
    public sealed class BulkStopAndLimitTests : IDisposable
    {
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "octopods-stop-" + Guid.NewGuid().ToString("N"));

        public void Dispose()
        {
            try { Directory.Delete(_dir, true); } catch (IOException) { }
        }

        /// <summary>Answers every POST with <see cref="Answer"/>; counts them.</summary>
        private sealed class StubHandler : HttpMessageHandler
        {
            public int Posts;
            public Func<int, HttpResponseMessage> Answer = _ => Accepted();
            /// <summary>When set, every answer waits for it (to order the engine's steps in a test).</summary>
            public Task? Hold;
            /// <summary>Real time each answer takes, so requests overlap.</summary>
            public TimeSpan Latency;

            protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                var n = Interlocked.Increment(ref Posts);
                if (Hold != null) await Hold.ConfigureAwait(false);
                var answer = Answer(n);
                if (Latency > TimeSpan.Zero) await Task.Delay(Latency, CancellationToken.None).ConfigureAwait(false);
                return answer;
            }

            public static HttpResponseMessage Accepted() => new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent("{\"message_id\":\"" + Guid.NewGuid().ToString("N") + "\",\"request_id\":\"r\",\"status\":\"Queued\"}", Encoding.UTF8, "application/json"),
            };

            public static HttpResponseMessage TooMany(TimeSpan retryAfter, string message = "You have fired too many requests.")
            {
                var response = new HttpResponseMessage((HttpStatusCode)429)
                {
                    Content = new StringContent("{\"message\":\"" + message + "\"}", Encoding.UTF8, "application/json"),
                };
                response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(retryAfter);
                return response;
            }
        }

        private static BulkSender<SmsSendRequest, SmsSendResult> Engine(StubHandler handler, SendGate gate, BulkOptions options, SendJournal? journal,
            IClock? clock = null, Func<OctopodsClientOptions, OctopodsClientOptions>? configure = null)
        {
            var clientOptions = new OctopodsClientOptions(OctopodsChannel.Sms, new ApiKey("k"), new Uri("https://stub.invalid/"))
            {
                Handler = handler, Clock = clock ?? SystemClock.Instance,
            };
            var api = new SmsApi(new OctopodsClient(configure == null ? clientOptions : configure(clientOptions)));
            var operation = ChannelOperations.Sms(api);
            return new BulkSender<SmsSendRequest, SmsSendResult>(operation, options, gate, journal);
        }

        private static List<SmsSendRequest> Rows(int n) =>
            Enumerable.Range(0, n).Select(i => SmsSendRequest.Create("+1415555" + (3000 + i), "row " + i)).ToList();

        private static List<BulkRowOutcome<SmsSendRequest, SmsSendResult>> TakeAll(BulkSender<SmsSendRequest, SmsSendResult> engine)
        {
            var outcomes = new List<BulkRowOutcome<SmsSendRequest, SmsSendResult>>();
            while (engine.TryTake(out var o)) outcomes.Add(o);
            return outcomes;
        }

        [Fact]
        public async Task Pacing_counts_the_moment_a_request_leaves_not_the_moment_it_was_admitted()
        {
            // Virtual time, one row at a time: deterministic. The first row's journal flush takes 300 ms;
            // a turn taken before the flush would let 11 requests leave within one second at 10/s.
            var clock = new VirtualClock();
            var arrivals = new List<DateTimeOffset>();
            var handler = new StubHandler();
            handler.Answer = _ =>
            {
                lock (arrivals) arrivals.Add(clock.UtcNow);
                return StubHandler.Accepted();
            };
            var gate = new SendGate(clock, new RatePacer(10, clock));
            var flushes = 0;
            var journal = SendJournal.Open(Path.Combine(_dir, "pace.jsonl"), JournalWrites.OnIntent(_ =>
            {
                if (Interlocked.Increment(ref flushes) == 1) clock.Advance(TimeSpan.FromMilliseconds(300));
            }));
            using (var engine = Engine(handler, gate, new BulkOptions { ThrottleLimit = 1 }, journal, clock))
            {
                foreach (var row in Rows(15))
                {
                    SpinWait.SpinUntil(() => engine.HasRoom);
                    engine.Submit(row, row);
                }
                await engine.WaitAllDoneAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
                Assert.Equal(15, engine.Counters.Sent);
            }
            Assert.Equal(15, arrivals.Count);
            var max = arrivals.Select((t, i) => arrivals.Skip(i).TakeWhile(u => u - t < TimeSpan.FromSeconds(1)).Count()).Max();
            Assert.True(max <= 10, $"{max} requests left within one second at 10/s");
        }

        [Fact]
        public async Task A_429_asking_for_longer_than_allowed_blocks_the_remaining_rows_without_a_request()
        {
            var clock = new VirtualClock();
            var path = Path.Combine(_dir, "quota.jsonl");
            // A daily quota: "try after tomorrow", far beyond the 5 minutes a call may wait.
            var handler = new StubHandler { Answer = n => n == 1 ? StubHandler.TooMany(TimeSpan.FromHours(20)) : StubHandler.Accepted() };
            var gate = new SendGate(clock);
            var rows = Rows(5);
            List<BulkRowOutcome<SmsSendRequest, SmsSendResult>> outcomes;
            using (var engine = Engine(handler, gate, new BulkOptions { ThrottleLimit = 1 }, SendJournal.Open(path), clock))
            {
                foreach (var row in rows) engine.Submit(row, row);
                await engine.WaitAllDoneAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
                outcomes = TakeAll(engine);
            }
            Assert.Equal(1, handler.Posts);   // only the row that met the 429
            Assert.All(outcomes, o => Assert.Equal(BulkRowKind.Failed, o.Kind));
            Assert.Equal(ErrorNames.RateLimited, outcomes[0].Error!.ErrorName);
            var until = (clock.UtcNow + TimeSpan.FromHours(20)).UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
            Assert.All(outcomes.Skip(1), o =>
            {
                Assert.Equal(ErrorNames.RateLimitBlocked, o.Error!.ErrorName);
                Assert.Equal(OctopodsErrorKind.LimitsExceeded, o.Error.Kind);
                Assert.Contains(until, o.Error.Message);
                Assert.Contains("Run the same command again after", o.Error.Message);
            });
            // Nothing is unknown: a resumed run sends them all.
            Assert.All(JournalFile.Read(path, out _).Values, e => Assert.Equal(JournalState.Failed, e.State));
            // The report still lists every row: the blocked ones as never attempted, and why.
            var report = JournalReport.Read(path).Rows;
            Assert.Equal(new[] { JournalState.Failed, JournalState.NotAttempted, JournalState.NotAttempted, JournalState.NotAttempted, JournalState.NotAttempted },
                report.Select(r => r.Outcome));
            Assert.All(report.Skip(1), r => Assert.Equal("Octopods." + ErrorNames.RateLimitBlocked, r.Reason));
        }

        [Fact]
        public async Task A_429_pauses_every_row_and_the_refused_row_goes_out_after_the_pause()
        {
            var clock = new VirtualClock();
            var start = clock.UtcNow;
            var arrivals = new List<DateTimeOffset>();
            var handler = new StubHandler();
            handler.Answer = n =>
            {
                lock (arrivals) arrivals.Add(clock.UtcNow);
                return n == 1 ? StubHandler.TooMany(TimeSpan.FromSeconds(30)) : StubHandler.Accepted();
            };
            var gate = new SendGate(clock);
            List<BulkRowOutcome<SmsSendRequest, SmsSendResult>> outcomes;
            using (var engine = Engine(handler, gate, new BulkOptions { ThrottleLimit = 1 }, null, clock))
            {
                foreach (var row in Rows(3)) engine.Submit(row, row);
                await engine.WaitAllDoneAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
                outcomes = TakeAll(engine);
            }
            Assert.All(outcomes, o => Assert.Equal(BulkRowKind.Sent, o.Kind));
            Assert.Equal(4, arrivals.Count);
            Assert.True(arrivals[1] >= start + TimeSpan.FromSeconds(30), $"the retry went {(arrivals[1] - start).TotalSeconds:0.#} s after the 429, inside its 30 s pause");
        }

        [Fact]
        public async Task A_run_whose_429s_outlast_its_budget_stops_sending_and_every_row_is_resumable()
        {
            var clock = new VirtualClock();
            var path = Path.Combine(_dir, "storm.jsonl");
            var handler = new StubHandler { Answer = _ => StubHandler.TooMany(TimeSpan.FromSeconds(2)) };
            var gate = new SendGate(clock, pauseBudget: 3);
            List<BulkRowOutcome<SmsSendRequest, SmsSendResult>> outcomes;
            using (var engine = Engine(handler, gate, new BulkOptions { ThrottleLimit = 1 }, SendJournal.Open(path), clock))
            {
                foreach (var row in Rows(20)) engine.Submit(row, row);
                await engine.WaitAllDoneAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
                outcomes = TakeAll(engine);
            }
            // One request per pause and one more, not six per row: the run stopped.
            Assert.Equal(4, handler.Posts);
            Assert.All(outcomes, o => Assert.Equal(BulkRowKind.Failed, o.Kind));
            Assert.Equal(ErrorNames.RateLimited, outcomes[0].Error!.ErrorName);
            Assert.All(outcomes.Skip(1), o => Assert.Equal(ErrorNames.RateLimitBlocked, o.Error!.ErrorName));
            Assert.Contains("4 pauses in a row", outcomes[1].Error!.Message);
            Assert.Contains("-JournalPath", outcomes[1].Error!.Fix);
            // Certain failures: a resumed run sends them all.
            Assert.All(JournalFile.Read(path, out _).Values, e => Assert.Equal(JournalState.Failed, e.State));
        }

        [Fact]
        public async Task Steady_429s_on_every_third_send_fail_no_row()
        {
            var clock = new VirtualClock();
            var handler = new StubHandler { Latency = TimeSpan.FromMilliseconds(2) };
            handler.Answer = n => n % 3 != 0 ? StubHandler.Accepted() : StubHandler.TooMany(TimeSpan.FromSeconds(1));
            var gate = new SendGate(clock);
            var outcomes = new List<BulkRowOutcome<SmsSendRequest, SmsSendResult>>();
            using (var engine = Engine(handler, gate, new BulkOptions { ThrottleLimit = 8 }, null, clock))
            {
                foreach (var row in Rows(200))
                {
                    // As the pipeline does: take what is done while the window is full.
                    while (!engine.HasRoom)
                    {
                        outcomes.AddRange(TakeAll(engine));
                        await engine.WhenReadyAsync().WaitAsync(TimeSpan.FromSeconds(10));
                    }
                    engine.Submit(row, row);
                }
                await engine.WaitAllDoneAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
                outcomes.AddRange(TakeAll(engine));
            }
            Assert.Equal(200, outcomes.Count);
            Assert.All(outcomes, o => Assert.Equal(BulkRowKind.Sent, o.Kind));
            Assert.True(gate.Pauses > 10, $"only {gate.Pauses} pauses");
            Assert.Equal(200 + handler.Posts / 3, handler.Posts);   // each 429 cost one request, never a row
        }

        [Fact]
        public async Task After_a_pause_the_gate_lets_one_send_go_then_two_then_four()
        {
            var clock = new VirtualClock();
            using var gate = new SendGate(clock);
            Assert.True(gate.RateLimited(TimeSpan.FromSeconds(1), gate.Current));
            var waiting = Enumerable.Range(0, 8).Select(_ => gate.BeforeSendAsync(paced: true, null, CancellationToken.None)).ToList();
            var answered = new HashSet<Task<SendTicket>>();
            SendTicket Next()
            {
                var task = waiting.First(t => t.IsCompletedSuccessfully && !answered.Contains(t));
                answered.Add(task);
                return task.Result;
            }

            // Waits (up to 10 s, for a busy machine) until `expected` have gone, then a little more: any
            // waiter that could go beyond them would show.
            async Task<int> Gone(int expected)
            {
                var deadline = DateTime.UtcNow.AddSeconds(10);
                while (waiting.Count(t => t.IsCompletedSuccessfully) < expected && DateTime.UtcNow < deadline) await Task.Delay(5);
                await Task.Delay(50);
                return waiting.Count(t => t.IsCompletedSuccessfully);
            }

            Assert.Equal(1, await Gone(1));
            gate.Answered(gate.Current);      // an answer to a send from before the pause: the restart does not grow
            Assert.Equal(1, await Gone(1));
            var first = Next();
            gate.Answered(first);
            gate.AfterAttempt(first);         // the first answer: two may go
            Assert.Equal(3, await Gone(3));
            var second = Next();
            var third = Next();
            gate.Answered(second);
            gate.Answered(third);
            gate.AfterAttempt(second);
            gate.AfterAttempt(third);         // two more answers: eight may go
            Assert.Equal(8, await Gone(8));
            Assert.All(waiting.Take(3), t => Assert.True(t.Result.Holding));
        }

        [Fact]
        public async Task A_429_naming_a_time_already_past_still_waits_and_backs_off()
        {
            var clock = new VirtualClock();
            var arrivals = new List<DateTimeOffset>();
            var handler = new StubHandler();
            handler.Answer = n =>
            {
                lock (arrivals) arrivals.Add(clock.UtcNow);
                if (n > 3) return StubHandler.Accepted();
                var past = new HttpResponseMessage((HttpStatusCode)429)
                {
                    Content = new StringContent("{\"message\":\"Please try after 2000-01-01 00:00:00 UTC.\"}", Encoding.UTF8, "application/json"),
                };
                return past;
            };
            using (var engine = Engine(handler, new SendGate(clock), new BulkOptions { ThrottleLimit = 1 }, null, clock))
            {
                engine.Submit(Rows(1)[0], null);
                await engine.WaitAllDoneAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
                Assert.Equal(BulkRowKind.Sent, TakeAll(engine).Single().Kind);
            }
            var gaps = arrivals.Zip(arrivals.Skip(1), (a, b) => b - a).ToList();
            Assert.Equal(new[] { TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4) }, gaps);
        }

        [Fact]
        public async Task Stopping_during_a_429_pause_ends_the_refused_rows_as_not_attempted_and_posts_nothing_more()
        {
            var path = Path.Combine(_dir, "pause.jsonl");
            // Every POST is refused for 2 s. Stop comes during that pause; the grace (4 s) outlasts it, so a
            // retry waiting on the grace token instead of the stop would POST after the stop.
            var handler = new StubHandler { Answer = _ => StubHandler.TooMany(TimeSpan.FromSeconds(2)) };
            var gate = new SendGate(SystemClock.Instance);
            var rows = Rows(2);
            List<BulkRowOutcome<SmsSendRequest, SmsSendResult>> outcomes;
            int postsAtStop;
            // The first 429 is answered only once both intents are on disk: otherwise, under load, the second
            // row can meet the pause before its intent and end with no journal record (also correct, but
            // then this test would not show what the journal says of a stopped row).
            var bothIntents = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            handler.Hold = bothIntents.Task;
            var intents = 0;
            var journal = SendJournal.Open(path, JournalWrites.OnIntent(count => { if (Interlocked.Add(ref intents, count) >= 2) bothIntents.TrySetResult(true); }));
            using (var engine = Engine(handler, gate, new BulkOptions { ThrottleLimit = 2, StopGrace = TimeSpan.FromSeconds(4) }, journal))
            {
                foreach (var row in rows) engine.Submit(row, row);
                Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref handler.Posts) >= 2 && gate.PauseLeft > TimeSpan.Zero, 10000), "both rows were refused");
                postsAtStop = Volatile.Read(ref handler.Posts);
                var watch = System.Diagnostics.Stopwatch.StartNew();
                engine.Stop();
                await engine.WaitAllDoneAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(15));
                watch.Stop();
                outcomes = TakeAll(engine);
                Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1.5), $"the stop took {watch.Elapsed.TotalSeconds:0.0} s: the rows waited for the grace, not the stop");
                Assert.Equal(0, engine.Counters.Unknown);
                Assert.Equal(2, engine.Counters.NotAttempted);
            }
            // (Under load the second row may have met the first row's pause before its first POST: then both
            // went after it ended, so count from the stop.)
            Assert.Equal(postsAtStop, Volatile.Read(ref handler.Posts));   // no retry after the stop
            Assert.All(outcomes, o => Assert.Equal(BulkRowKind.NotAttempted, o.Kind));
            // The journal says "certainly not sent": a resumed run sends them.
            var entries = JournalFile.Read(path, out _);
            Assert.Equal(2, entries.Count);
            Assert.All(entries.Values, e => Assert.Equal(JournalState.Failed, e.State));
            Assert.All(entries.Values, e => Assert.Equal(ErrorNames.SendStopped, e.Error));
            Assert.DoesNotContain("\"type\":\"unknown\"", File.ReadAllText(path));
            // Journaled once each: a row with an intent needs no "not attempted" record besides its outcome.
            Assert.DoesNotContain("not_attempted", File.ReadAllText(path));
        }
    }
}

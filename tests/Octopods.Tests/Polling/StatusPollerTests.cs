using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Octopods.Errors;
using Octopods.Polling;
using Octopods.Sandbox;
using Octopods.Sms;
using Octopods.Time;
using Xunit;

namespace Octopods.Tests.Polling
{
    public class StatusPollerTests
    {
        private readonly VirtualClock _clock = new VirtualClock();

        [Fact]
        public async Task Waits_first_then_backs_off_until_every_id_is_terminal()
        {
            var polls = new List<(string id, DateTimeOffset at)>();
            var start = _clock.UtcNow;
            // a settles at the second poll, b at the fourth.
            var counts = new Dictionary<string, int>();
            var outcomes = await StatusPoller.WaitAsync(new[] { "a", "b" }, (id, ct) =>
                {
                    polls.Add((id, _clock.UtcNow));
                    counts[id] = counts.TryGetValue(id, out var n) ? n + 1 : 1;
                    var done = id == "a" ? counts[id] >= 2 : counts[id] >= 4;
                    return Task.FromResult(new SmsStatus { MessageId = id, Status = done ? "Delivered" : "Sent" });
                }, s => s.IsTerminal, new PollOptions { Interval = TimeSpan.FromSeconds(2), Backoff = 1.5, MaxInterval = TimeSpan.FromSeconds(4) },
                _clock, null, default);

            Assert.All(outcomes.Values, o => Assert.Equal("Delivered", o.Last!.Status));
            Assert.All(outcomes.Values, o => Assert.False(o.TimedOut));
            // Rounds at +2, +5, +9 (capped at 4), +13.
            Assert.Equal(new[] { 2.0, 5, 9, 13 }, polls.Where(p => p.id == "b").Select(p => (p.at - start).TotalSeconds));
            Assert.Equal(2, polls.Count(p => p.id == "a"));
        }

        [Fact]
        public async Task Times_out_keeping_the_last_state_and_reports_progress()
        {
            var progress = new List<PollProgress>();
            var outcomes = await StatusPoller.WaitAsync(new[] { "x" },
                (id, ct) => Task.FromResult(new SmsStatus { MessageId = id, Status = "Queued" }),
                s => s.IsTerminal, new PollOptions { Interval = TimeSpan.FromSeconds(1), Timeout = TimeSpan.FromSeconds(10) },
                _clock, progress.Add, default);
            var outcome = outcomes["x"];
            Assert.True(outcome.TimedOut);
            Assert.Equal("Queued", outcome.Last!.Status);
            Assert.True(progress.Count > 2);
            Assert.All(progress.Take(progress.Count - 1), p => Assert.Equal(0, p.Settled));
            Assert.True(progress[^2].Elapsed <= TimeSpan.FromSeconds(10));
        }

        [Fact]
        public async Task A_definite_error_stops_polling_that_id_and_poll_first_reads_at_once()
        {
            var start = _clock.UtcNow;
            var calls = 0;
            var outcomes = await StatusPoller.WaitAsync(new[] { "gone" }, (id, ct) =>
                {
                    calls++;
                    throw new OctopodsException(ErrorNames.MessageNotFound, OctopodsErrorKind.NotFound, "not found");
                }, (SmsStatus s) => s.IsTerminal, new PollOptions { PollFirst = true }, _clock, null, default);
            Assert.Equal(1, calls);
            Assert.Equal(ErrorNames.MessageNotFound, outcomes["gone"].Error!.ErrorName);
            Assert.Equal(start, _clock.UtcNow);
        }

        [Theory]
        [InlineData(OctopodsErrorKind.ServerError)]
        [InlineData(OctopodsErrorKind.LimitsExceeded)]
        [InlineData(OctopodsErrorKind.Timeout)]
        public async Task A_passing_fault_is_polled_again_not_taken_as_final(OctopodsErrorKind kind)
        {
            var calls = 0;
            var outcomes = await StatusPoller.WaitAsync(new[] { "m" }, (id, ct) =>
                {
                    if (++calls == 1) throw new OctopodsException("Passing", kind, "503 Service Unavailable");
                    return Task.FromResult(new SmsStatus { MessageId = id, Status = "Delivered" });
                }, (SmsStatus s) => s.IsTerminal, new PollOptions { PollFirst = true, Interval = TimeSpan.FromSeconds(1) }, _clock, null, default);
            Assert.Equal(2, calls);
            Assert.Null(outcomes["m"].Error);
            Assert.Equal("Delivered", outcomes["m"].Last!.Status);
        }

        [Fact]
        public async Task Cancelling_a_concurrent_round_waits_for_the_polls_already_running()
        {
            using var cts = new System.Threading.CancellationTokenSource();
            int started = 0, running = 0;
            var polls = StatusPoller.WaitAsync(new[] { "a", "b", "c", "d" }, async (id, ct) =>
                {
                    Interlocked.Increment(ref running);
                    try
                    {
                        if (Interlocked.Increment(ref started) == 2) cts.Cancel();   // Ctrl+C while two polls run
                        await Task.Delay(300, CancellationToken.None);   // a request that does not end at once
                        return new SmsStatus { MessageId = id, Status = "Sent" };
                    }
                    finally
                    {
                        Interlocked.Decrement(ref running);
                    }
                }, s => s.IsTerminal, new PollOptions { PollFirst = true, Concurrency = 2 }, _clock, null, cts.Token);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => polls);
            // Nothing left behind to release a disposed semaphore on a worker thread.
            Assert.Equal(0, Volatile.Read(ref running));
            Assert.Equal(2, Volatile.Read(ref started));
        }

        [Fact]
        public async Task Against_the_emulator_every_magic_number_reaches_its_documented_end()
        {
            var emulator = new OctopodsEmulator(_clock);
            var api = new SmsApi(new Octopods.Http.OctopodsClient(new Octopods.Http.OctopodsClientOptions(OctopodsChannel.Sms, new ApiKey("k")) { Handler = emulator.CreateHttpHandler(), Clock = _clock }));
            var ids = new Dictionary<string, string>();
            foreach (var phone in new[] { "+14155552671", SandboxNumbers.Fails, SandboxNumbers.Undelivered, SandboxNumbers.StaysQueued })
                ids[phone] = (await api.SendAsync(SmsSendRequest.Create(phone, "x"), default)).MessageId;
            var provider = await Assert.ThrowsAsync<OctopodsException>(() => api.SendAsync(SmsSendRequest.Create(SandboxNumbers.ProviderError, "x"), default));
            Assert.Equal(ErrorNames.ProviderError, provider.ErrorName);

            var outcomes = await StatusPoller.WaitAsync(ids.Values, api.GetStatusAsync, s => s.IsTerminal,
                new PollOptions { Timeout = TimeSpan.FromMinutes(1) }, _clock, null, default);
            Assert.Equal("Delivered", outcomes[ids["+14155552671"]].Last!.Status);
            Assert.Equal("Failed", outcomes[ids[SandboxNumbers.Fails]].Last!.Status);
            Assert.Equal("Undelivered", outcomes[ids[SandboxNumbers.Undelivered]].Last!.Status);
            // Each final status ends the wait: only the message that stays queued times out.
            foreach (var phone in new[] { "+14155552671", SandboxNumbers.Fails, SandboxNumbers.Undelivered })
                Assert.False(outcomes[ids[phone]].TimedOut, phone);
            Assert.True(outcomes[ids[SandboxNumbers.StaysQueued]].TimedOut);
            Assert.Equal(4, emulator.Ledger.Count);
        }
    }
}

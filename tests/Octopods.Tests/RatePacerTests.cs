using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Octopods.Http;
using Octopods.Time;
using Xunit;

namespace Octopods.Tests
{
    public class RatePacerTests
    {
        private static readonly DateTimeOffset T0 = new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

        private static int MaxInAnySecond(IReadOnlyList<DateTimeOffset> times)
        {
            var sorted = times.OrderBy(t => t).ToList();
            var max = 0;
            for (int i = 0, j = 0; i < sorted.Count; i++)
            {
                while (j < sorted.Count && sorted[j] - sorted[i] < TimeSpan.FromSeconds(1)) j++;
                max = Math.Max(max, j - i);
            }
            return max;
        }

        private static double Rate(IReadOnlyList<DateTimeOffset> times)
        {
            var sorted = times.OrderBy(t => t).ToList();
            return (sorted.Count - 1) / (sorted[sorted.Count - 1] - sorted[0]).TotalSeconds;
        }

        /// <summary>
        /// Everyone asks at once, on virtual time: each send starts as soon as the pacer admits it and
        /// reaches the server <paramref name="jitter"/>(n) later; its answer comes <paramref name="latency"/>
        /// after that (null: never). Returns the start and arrival moments.
        /// </summary>
        private static (List<DateTimeOffset> starts, List<DateTimeOffset> arrivals) Simulate(
            RatePacer pacer, int sends, Func<int, TimeSpan> jitter, TimeSpan? latency)
        {
            var starts = new List<DateTimeOffset>();
            var arrivals = new List<DateTimeOffset>();
            var answers = new List<(DateTimeOffset at, long sequence)>();
            var now = T0;
            while (starts.Count < sends)
            {
                foreach (var a in answers.Where(a => a.at <= now).ToList())
                {
                    pacer.Answered(a.sequence, a.at);
                    answers.Remove(a);
                }
                var wait = pacer.Admit(now, out var sequence);
                if (wait > TimeSpan.Zero)
                {
                    // Wake at the pacer's time, or earlier when an answer comes first.
                    var next = now + wait;
                    if (answers.Count > 0 && answers.Min(a => a.at) < next) next = answers.Min(a => a.at);
                    now = next;
                    continue;
                }
                var arrival = now + jitter(starts.Count);
                starts.Add(now);
                arrivals.Add(arrival);
                if (latency.HasValue) answers.Add((arrival + latency.Value, sequence));
            }
            return (starts, arrivals);
        }

        [Theory]
        [InlineData(20.0, 20)]
        [InlineData(1.0, 1)]
        [InlineData(2.5, 2)]
        [InlineData(7.0, 7)]
        public void No_one_second_window_exceeds_the_rate_even_when_no_answer_comes(double rate, int maxPerWindow)
        {
            var (starts, _) = Simulate(new RatePacer(rate, new VirtualClock(T0)), 200, _ => TimeSpan.Zero, latency: null);
            Assert.True(MaxInAnySecond(starts) <= maxPerWindow, $"max {MaxInAnySecond(starts)} per second at {rate}/s");
            // Unanswered sends hold their window for the whole slack: the rate's cost is at most 5%.
            Assert.InRange(Rate(starts), maxPerWindow * 0.94, rate);
        }

        [Theory]
        [InlineData(20.0, 25)]
        [InlineData(20.0, 40)]
        [InlineData(5.0, 25)]
        [InlineData(100.0, 25)]
        public void Under_jitter_between_client_and_server_no_second_at_the_server_holds_more_than_the_rate(double rate, int jitterMs)
        {
            // Each request reaches the server 0 to jitterMs later than it left; the server answers in 30 ms.
            var random = new Random(11);
            var jitters = Enumerable.Range(0, 2000).Select(_ => TimeSpan.FromMilliseconds(random.NextDouble() * jitterMs)).ToArray();
            var pacer = new RatePacer(rate, new VirtualClock(T0));
            var (starts, arrivals) = Simulate(pacer, (int)(rate * 20), n => jitters[n % jitters.Length], TimeSpan.FromMilliseconds(30));
            Assert.True(MaxInAnySecond(arrivals) <= (int)rate, $"{MaxInAnySecond(arrivals)} arrivals in one second at {rate}/s with {jitterMs} ms of jitter");
            // The slack is each send's own measured lag, not the worst case: within 3% of the rate at 25 ms.
            if (jitterMs <= 25) Assert.InRange(Rate(arrivals), rate * 0.97, rate * 1.001);
            Assert.InRange(Rate(starts), rate * 0.94, rate * 1.001);
        }

        [Fact]
        public void A_send_whose_answer_came_late_holds_its_window_longer()
        {
            var pacer = new RatePacer(2, new VirtualClock(T0));
            // Enough answers, 20 ms each, for the pacer to trust its shortest round trip.
            var (starts, _) = Simulate(pacer, RatePacer.RoundTripsBeforeTrust, _ => TimeSpan.Zero, TimeSpan.FromMilliseconds(20));
            var t1 = starts[starts.Count - 1] + TimeSpan.FromSeconds(10);
            Assert.Equal(TimeSpan.Zero, pacer.Admit(t1, out var first));
            pacer.Answered(first, t1 + TimeSpan.FromMilliseconds(20));                            // the fastest round trip
            var t2 = t1 + TimeSpan.FromMilliseconds(500);
            Assert.Equal(TimeSpan.Zero, pacer.Admit(t2, out var second));
            pacer.Answered(second, t2 + TimeSpan.FromMilliseconds(20 + 30));                      // 30 ms slower: it may have arrived 30 ms late
            // The third send must wait one second after the first, plus the first's slack (the floor).
            Assert.Equal(RatePacer.SlackFloor, pacer.Admit(t1 + TimeSpan.FromSeconds(1), out _));
            var t3 = t1 + TimeSpan.FromSeconds(1) + RatePacer.SlackFloor;
            Assert.Equal(TimeSpan.Zero, pacer.Admit(t3, out _));
            // The fourth: one second after the second, plus its 30 ms and the floor.
            var fourth = t2 + TimeSpan.FromSeconds(1) + TimeSpan.FromMilliseconds(30) + RatePacer.SlackFloor;
            Assert.Equal(TimeSpan.FromMilliseconds(30), pacer.Admit(fourth - TimeSpan.FromMilliseconds(30), out _));
            Assert.Equal(TimeSpan.Zero, pacer.Admit(fourth, out _));
        }

        [Fact]
        public void A_send_held_up_before_the_wire_counts_from_the_moment_it_left()
        {
            var pacer = new RatePacer(1, new VirtualClock(T0));
            Assert.Equal(TimeSpan.Zero, pacer.AdmitLeaving(T0, out var held));
            // Still not on the wire two seconds later (waiting for a connection): it may arrive any moment.
            Assert.Equal(TimeSpan.FromSeconds(1), pacer.Admit(T0 + TimeSpan.FromSeconds(2), out _));
            pacer.Left(held, T0 + TimeSpan.FromSeconds(1.5));
            Assert.Equal(TimeSpan.FromSeconds(0.5) + RatePacer.MaxSlack, pacer.Admit(T0 + TimeSpan.FromSeconds(2), out _));
        }

        [Fact]
        public void A_send_still_leaving_is_never_dropped_to_make_room()
        {
            // At 2/s the pacer keeps the last 4 sends. The first one waits for a connection the whole time.
            var pacer = new RatePacer(2, new VirtualClock(T0));
            Assert.Equal(TimeSpan.Zero, pacer.AdmitLeaving(T0, out var stuck));
            var now = T0;
            for (var admitted = 0; admitted < 6;)
            {
                var wait = pacer.Admit(now, out _);
                if (wait > TimeSpan.Zero) now += wait;
                else admitted++;
            }
            // It finally leaves: it still counts, so the next send waits a second after it (plus its slack).
            pacer.Left(stuck, now);
            Assert.Equal(TimeSpan.FromSeconds(1) + RatePacer.MaxSlack, pacer.Admit(now, out _));
        }

        [Fact]
        public void A_send_that_ended_before_the_wire_holds_no_window()
        {
            var pacer = new RatePacer(1, new VirtualClock(T0));
            Assert.Equal(TimeSpan.Zero, pacer.AdmitLeaving(T0, out var refused));
            pacer.Ended(refused, T0 + TimeSpan.FromMilliseconds(5));   // a connection refused: it never left
            Assert.Equal(TimeSpan.Zero, pacer.Admit(T0 + TimeSpan.FromSeconds(1), out _));
        }

        [Fact]
        public void A_send_that_left_and_ended_without_an_answer_arrived_by_its_end_if_at_all()
        {
            var pacer = new RatePacer(1, new VirtualClock(T0));
            Assert.Equal(TimeSpan.Zero, pacer.AdmitLeaving(T0, out var reset));
            pacer.Left(reset, T0);
            pacer.Ended(reset, T0 + TimeSpan.FromMilliseconds(300));   // the connection was reset after it left
            Assert.Equal(TimeSpan.FromMilliseconds(300), pacer.Admit(T0 + TimeSpan.FromSeconds(1), out _));
        }

        [Fact]
        public void A_send_with_no_answer_yet_holds_its_window_for_the_whole_slack()
        {
            var pacer = new RatePacer(1, new VirtualClock(T0));
            Assert.Equal(TimeSpan.Zero, pacer.Admit(T0, out _));
            Assert.Equal(RatePacer.MaxSlack, pacer.Admit(T0 + TimeSpan.FromSeconds(1), out _));
        }

        [Fact]
        public void Fractional_rates_space_sends_seconds_apart()
        {
            var (starts, _) = Simulate(new RatePacer(0.5, new VirtualClock(T0)), 3, _ => TimeSpan.Zero, TimeSpan.FromMilliseconds(10));
            Assert.Equal(T0, starts[0]);
            Assert.InRange((starts[1] - starts[0]).TotalSeconds, 2.0, 2.001);
            Assert.InRange((starts[2] - starts[1]).TotalSeconds, 2.0, 2.001);
        }

        [Fact]
        public void Admission_counts_actual_send_moments_so_a_late_timer_cannot_crowd_a_window()
        {
            var pacer = new RatePacer(2, new VirtualClock(T0));
            Assert.Equal(TimeSpan.Zero, pacer.Admit(T0 + TimeSpan.FromMilliseconds(300), out _));   // planned at 0, woke 300 ms late
            Assert.Equal(TimeSpan.Zero, pacer.Admit(T0 + TimeSpan.FromMilliseconds(800), out _));
            // Planned at 1 s, but two sends already went out in the second since 0.3 s (and are unanswered).
            Assert.Equal(TimeSpan.FromMilliseconds(300) + RatePacer.MaxSlack, pacer.Admit(T0 + TimeSpan.FromMilliseconds(1000), out _));
        }

        [Fact]
        public void A_stall_earns_no_burst_afterwards()
        {
            var pacer = new RatePacer(10, new VirtualClock(T0));
            pacer.Admit(T0, out _);
            var later = T0 + TimeSpan.FromMinutes(1);
            Assert.Equal(TimeSpan.Zero, pacer.Admit(later, out _));
            Assert.Equal(TimeSpan.FromMilliseconds(100), pacer.Admit(later, out _));
        }

        [Fact]
        public void The_rate_can_be_lowered_but_never_raised()
        {
            var pacer = new RatePacer(20, new VirtualClock(T0));
            pacer.LimitTo(8);
            Assert.Equal(8, pacer.RatePerSecond);
            Assert.Equal(TimeSpan.FromMilliseconds(125), pacer.Interval);
            pacer.LimitTo(50);
            Assert.Equal(8, pacer.RatePerSecond);
            var (starts, _) = Simulate(pacer, 100, _ => TimeSpan.Zero, TimeSpan.FromMilliseconds(5));
            Assert.True(MaxInAnySecond(starts) <= 8);
        }

        [Fact]
        public void Lowering_the_rate_keeps_the_sends_already_in_the_window()
        {
            var pacer = new RatePacer(10, new VirtualClock(T0));
            for (var i = 0; i < 10; i++) Assert.Equal(TimeSpan.Zero, pacer.Admit(T0 + TimeSpan.FromMilliseconds(100 * i), out _));
            pacer.LimitTo(3);
            // The last three sends (at 700, 800 and 900 ms) still count: the next may go at 1.7 s plus the slack.
            Assert.Equal(TimeSpan.FromMilliseconds(700) + RatePacer.MaxSlack, pacer.Admit(T0 + TimeSpan.FromMilliseconds(1000), out _));
        }

        [Fact]
        public void On_the_real_clock_the_pacer_measures_with_a_monotonic_fine_grained_clock()
        {
            Assert.IsType<MonotonicClock>(new RatePacer(10, SystemClock.Instance).Clock);
            var virtualClock = new VirtualClock(T0);
            Assert.Same(virtualClock, new RatePacer(10, virtualClock).Clock);   // tests and the sandbox keep theirs
            var clock = MonotonicClock.Instance;
            var previous = clock.UtcNow;
            var distinct = 0;
            for (var i = 0; i < 20000; i++)
            {
                var now = clock.UtcNow;
                Assert.True(now >= previous);
                if (now != previous) distinct++;
                previous = now;
            }
            Assert.True(distinct > 10);   // far finer than the 15.6 ms wall-clock tick
            Assert.InRange((clock.UtcNow - DateTimeOffset.UtcNow).Duration(), TimeSpan.Zero, TimeSpan.FromMinutes(1));
        }

        [Fact]
        public async Task On_the_real_clock_turns_go_in_the_order_asked_and_each_send_continues_on_the_pacer_thread()
        {
            using var pacer = new RatePacer(50, SystemClock.Instance);
            var order = new List<int>();
            var threads = new List<string?>();
            async Task Send(int n)
            {
                await pacer.WaitTurnAsync(CancellationToken.None).ConfigureAwait(false);
                lock (order)
                {
                    order.Add(n);
                    threads.Add(Thread.CurrentThread.Name);
                }
            }
            var sends = new List<Task>();
            for (var n = 0; n < 12; n++) sends.Add(Send(n));
            await Task.WhenAll(sends).WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(Enumerable.Range(0, 12), order);
            // The first went at once; the rest were carried on by the pacer's own thread (no pool wake per send).
            Assert.All(threads.Skip(1), t => Assert.Equal("Octopods pacer", t));
        }

        [Fact]
        public async Task Waiting_turns_go_by_the_callers_order_not_by_who_asked_first()
        {
            using var pacer = new RatePacer(20, SystemClock.Instance);
            await pacer.WaitTurnAsync(0, CancellationToken.None);   // at once: the others must wait
            var order = new List<long>();
            async Task Send(long row)
            {
                await pacer.WaitTurnAsync(row, CancellationToken.None).ConfigureAwait(false);
                lock (order) order.Add(row);
            }
            var sends = new[] { 5L, 3L, 4L, 1L, 2L }.Select(Send).ToList();   // asked in this order
            await Task.WhenAll(sends).WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(new long[] { 1, 2, 3, 4, 5 }, order);
        }

        [Fact]
        public async Task A_cancelled_turn_ends_at_once_and_the_others_keep_their_order()
        {
            using var pacer = new RatePacer(5, SystemClock.Instance);
            await pacer.WaitTurnAsync(CancellationToken.None);
            using var cancel = new CancellationTokenSource();
            var second = pacer.WaitTurnAsync(CancellationToken.None);
            var third = pacer.WaitTurnAsync(cancel.Token);
            var fourth = pacer.WaitTurnAsync(CancellationToken.None);
            cancel.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => third.WaitAsync(TimeSpan.FromSeconds(1)));
            Assert.False(second.IsCompleted);   // 200 ms apart at 5/s: the cancellation did not wait for its turn
            var s = await second.WaitAsync(TimeSpan.FromSeconds(5));
            var f = await fourth.WaitAsync(TimeSpan.FromSeconds(5));
            Assert.True(f > s);
        }

        [Fact]
        public async Task Disposing_the_pacer_fails_the_turns_still_waiting()
        {
            var pacer = new RatePacer(1, SystemClock.Instance);
            await pacer.WaitTurnAsync(CancellationToken.None);
            var waiting = pacer.WaitTurnAsync(CancellationToken.None);
            pacer.Dispose();
            await Assert.ThrowsAsync<ObjectDisposedException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(5)));
            await Assert.ThrowsAsync<ObjectDisposedException>(() => pacer.WaitTurnAsync(CancellationToken.None));
        }
    }
}

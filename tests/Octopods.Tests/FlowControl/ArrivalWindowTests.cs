using System;
using System.Collections.Generic;
using System.Linq;
using Octopods.FlowControl;
using Octopods.Http;
using Octopods.Time;
using Xunit;

namespace Octopods.Tests.FlowControl
{
    /// <summary>The arrival estimate on virtual time: no one-second window at the server holds more than the rate.</summary>
    public class ArrivalWindowTests
    {
        internal static readonly DateTimeOffset T0 = new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

        internal static int MaxInAnySecond(IReadOnlyList<DateTimeOffset> times)
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
        internal static (List<DateTimeOffset> starts, List<DateTimeOffset> arrivals) Simulate(
            ArrivalWindow window, int sends, Func<int, TimeSpan> jitter, TimeSpan? latency)
        {
            var starts = new List<DateTimeOffset>();
            var arrivals = new List<DateTimeOffset>();
            var answers = new List<(DateTimeOffset at, long sequence)>();
            var now = T0;
            while (starts.Count < sends)
            {
                foreach (var a in answers.Where(a => a.at <= now).ToList())
                {
                    window.Answered(a.sequence, a.at);
                    answers.Remove(a);
                }
                var wait = window.Admit(now, out var sequence, leftNow: true);
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
            var (starts, _) = Simulate(new ArrivalWindow(rate), 200, _ => TimeSpan.Zero, latency: null);
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
            var window = new ArrivalWindow(rate);
            var (starts, arrivals) = Simulate(window, (int)(rate * 20), n => jitters[n % jitters.Length], TimeSpan.FromMilliseconds(30));
            Assert.True(MaxInAnySecond(arrivals) <= (int)rate, $"{MaxInAnySecond(arrivals)} arrivals in one second at {rate}/s with {jitterMs} ms of jitter");
            // The slack is each send's own measured lag, not the worst case: within 3% of the rate at 25 ms.
            if (jitterMs <= 25) Assert.InRange(Rate(arrivals), rate * 0.97, rate * 1.001);
            Assert.InRange(Rate(starts), rate * 0.94, rate * 1.001);
        }

        [Fact]
        public void A_send_whose_answer_came_late_holds_its_window_longer()
        {
            var window = new ArrivalWindow(2);
            // Enough answers, 20 ms each, for the pacer to trust its shortest round trip.
            var (starts, _) = Simulate(window, RatePacer.RoundTripsBeforeTrust, _ => TimeSpan.Zero, TimeSpan.FromMilliseconds(20));
            var t1 = starts[starts.Count - 1] + TimeSpan.FromSeconds(10);
            Assert.Equal(TimeSpan.Zero, window.Admit(t1, out var first, leftNow: true));
            window.Answered(first, t1 + TimeSpan.FromMilliseconds(20));                            // the fastest round trip
            var t2 = t1 + TimeSpan.FromMilliseconds(500);
            Assert.Equal(TimeSpan.Zero, window.Admit(t2, out var second, leftNow: true));
            window.Answered(second, t2 + TimeSpan.FromMilliseconds(20 + 30));                      // 30 ms slower: it may have arrived 30 ms late
            // The third send must wait one second after the first, plus the first's slack (the floor).
            Assert.Equal(RatePacer.SlackFloor, window.Admit(t1 + TimeSpan.FromSeconds(1), out _, leftNow: true));
            var t3 = t1 + TimeSpan.FromSeconds(1) + RatePacer.SlackFloor;
            Assert.Equal(TimeSpan.Zero, window.Admit(t3, out _, leftNow: true));
            // The fourth: one second after the second, plus its 30 ms and the floor.
            var fourth = t2 + TimeSpan.FromSeconds(1) + TimeSpan.FromMilliseconds(30) + RatePacer.SlackFloor;
            Assert.Equal(TimeSpan.FromMilliseconds(30), window.Admit(fourth - TimeSpan.FromMilliseconds(30), out _, leftNow: true));
            Assert.Equal(TimeSpan.Zero, window.Admit(fourth, out _, leftNow: true));
        }

        [Fact]
        public void A_send_held_up_before_the_wire_counts_from_the_moment_it_left()
        {
            var window = new ArrivalWindow(1);
            Assert.Equal(TimeSpan.Zero, window.Admit(T0, out var held, leftNow: false));
            // Still not on the wire two seconds later (waiting for a connection): it may arrive any moment.
            Assert.Equal(TimeSpan.FromSeconds(1), window.Admit(T0 + TimeSpan.FromSeconds(2), out _, leftNow: true));
            window.Left(held, T0 + TimeSpan.FromSeconds(1.5));
            Assert.Equal(TimeSpan.FromSeconds(0.5) + RatePacer.MaxSlack, window.Admit(T0 + TimeSpan.FromSeconds(2), out _, leftNow: true));
        }

        [Fact]
        public void A_send_still_leaving_is_never_dropped_to_make_room()
        {
            // At 2/s the pacer keeps the last 4 sends. The first one waits for a connection the whole time.
            var window = new ArrivalWindow(2);
            Assert.Equal(TimeSpan.Zero, window.Admit(T0, out var stuck, leftNow: false));
            var now = T0;
            for (var admitted = 0; admitted < 6;)
            {
                var wait = window.Admit(now, out _, leftNow: true);
                if (wait > TimeSpan.Zero) now += wait;
                else admitted++;
            }
            // It finally leaves: it still counts, so the next send waits a second after it (plus its slack).
            window.Left(stuck, now);
            Assert.Equal(TimeSpan.FromSeconds(1) + RatePacer.MaxSlack, window.Admit(now, out _, leftNow: true));
        }

        [Fact]
        public void A_send_that_ended_before_the_wire_holds_no_window()
        {
            var window = new ArrivalWindow(1);
            Assert.Equal(TimeSpan.Zero, window.Admit(T0, out var refused, leftNow: false));
            window.Ended(refused, T0 + TimeSpan.FromMilliseconds(5));   // a connection refused: it never left
            Assert.Equal(TimeSpan.Zero, window.Admit(T0 + TimeSpan.FromSeconds(1), out _, leftNow: true));
        }

        [Fact]
        public void A_send_that_left_and_ended_without_an_answer_arrived_by_its_end_if_at_all()
        {
            var window = new ArrivalWindow(1);
            Assert.Equal(TimeSpan.Zero, window.Admit(T0, out var reset, leftNow: false));
            window.Left(reset, T0);
            window.Ended(reset, T0 + TimeSpan.FromMilliseconds(300));   // the connection was reset after it left
            Assert.Equal(TimeSpan.FromMilliseconds(300), window.Admit(T0 + TimeSpan.FromSeconds(1), out _, leftNow: true));
        }

        [Fact]
        public void A_send_with_no_answer_yet_holds_its_window_for_the_whole_slack()
        {
            var window = new ArrivalWindow(1);
            Assert.Equal(TimeSpan.Zero, window.Admit(T0, out _, leftNow: true));
            Assert.Equal(RatePacer.MaxSlack, window.Admit(T0 + TimeSpan.FromSeconds(1), out _, leftNow: true));
        }

        [Fact]
        public void Fractional_rates_space_sends_seconds_apart()
        {
            var (starts, _) = Simulate(new ArrivalWindow(0.5), 3, _ => TimeSpan.Zero, TimeSpan.FromMilliseconds(10));
            Assert.Equal(T0, starts[0]);
            Assert.InRange((starts[1] - starts[0]).TotalSeconds, 2.0, 2.001);
            Assert.InRange((starts[2] - starts[1]).TotalSeconds, 2.0, 2.001);
        }

        [Fact]
        public void Admission_counts_actual_send_moments_so_a_late_timer_cannot_crowd_a_window()
        {
            var window = new ArrivalWindow(2);
            Assert.Equal(TimeSpan.Zero, window.Admit(T0 + TimeSpan.FromMilliseconds(300), out _, leftNow: true));   // planned at 0, woke 300 ms late
            Assert.Equal(TimeSpan.Zero, window.Admit(T0 + TimeSpan.FromMilliseconds(800), out _, leftNow: true));
            // Planned at 1 s, but two sends already went out in the second since 0.3 s (and are unanswered).
            Assert.Equal(TimeSpan.FromMilliseconds(300) + RatePacer.MaxSlack, window.Admit(T0 + TimeSpan.FromMilliseconds(1000), out _, leftNow: true));
        }

        [Fact]
        public void A_stall_earns_no_burst_afterwards()
        {
            var window = new ArrivalWindow(10);
            window.Admit(T0, out _, leftNow: true);
            var later = T0 + TimeSpan.FromMinutes(1);
            Assert.Equal(TimeSpan.Zero, window.Admit(later, out _, leftNow: true));
            Assert.Equal(TimeSpan.FromMilliseconds(100), window.Admit(later, out _, leftNow: true));
        }

        [Fact]
        public void Lowering_the_rate_keeps_the_sends_already_in_the_window()
        {
            var window = new ArrivalWindow(10);
            for (var i = 0; i < 10; i++) Assert.Equal(TimeSpan.Zero, window.Admit(T0 + TimeSpan.FromMilliseconds(100 * i), out _, leftNow: true));
            window.SetRate(3);   // what RatePacer.LimitTo does to its window
            // The last three sends (at 700, 800 and 900 ms) still count: the next may go at 1.7 s plus the slack.
            Assert.Equal(TimeSpan.FromMilliseconds(700) + RatePacer.MaxSlack, window.Admit(T0 + TimeSpan.FromMilliseconds(1000), out _, leftNow: true));
        }
    }
}

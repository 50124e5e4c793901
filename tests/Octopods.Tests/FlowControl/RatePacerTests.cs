using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Octopods.FlowControl;
using Octopods.Http;
using Octopods.Time;
using Xunit;

namespace Octopods.Tests.FlowControl
{
    /// <summary>Admission: turns in order, on the pacer's own thread, cancelled and disposed; the rate lowered by the learner.</summary>
    public class RatePacerTests
    {
        private static readonly DateTimeOffset T0 = ArrivalWindowTests.T0;

        [Fact]
        public void The_rate_can_be_lowered_but_never_raised()
        {
            var pacer = new RatePacer(20, new VirtualClock(T0));
            pacer.LimitTo(8);
            Assert.Equal(8, pacer.RatePerSecond);
            Assert.Equal(TimeSpan.FromMilliseconds(125), pacer.Interval);
            pacer.LimitTo(50);
            Assert.Equal(8, pacer.RatePerSecond);
            // Its window now admits sends at the lowered rate.
            var window = new ArrivalWindow(20);
            window.SetRate(pacer.RatePerSecond);
            var (starts, _) = ArrivalWindowTests.Simulate(window, 100, _ => TimeSpan.Zero, TimeSpan.FromMilliseconds(5));
            Assert.True(ArrivalWindowTests.MaxInAnySecond(starts) <= 8);
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
                await pacer.WaitTurnAsync(null, CancellationToken.None).ConfigureAwait(false);
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
            await pacer.WaitTurnAsync(null, CancellationToken.None);
            using var cancel = new CancellationTokenSource();
            var second = pacer.WaitTurnAsync(null, CancellationToken.None);
            var third = pacer.WaitTurnAsync(null, cancel.Token);
            var fourth = pacer.WaitTurnAsync(null, CancellationToken.None);
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
            await pacer.WaitTurnAsync(null, CancellationToken.None);
            var waiting = pacer.WaitTurnAsync(null, CancellationToken.None);
            pacer.Dispose();
            await Assert.ThrowsAsync<ObjectDisposedException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(5)));
            await Assert.ThrowsAsync<ObjectDisposedException>(() => pacer.WaitTurnAsync(null, CancellationToken.None));
        }
    }
}

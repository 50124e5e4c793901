using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Octopods.Time;

namespace Octopods.Bulk
{
    /// <summary>
    /// Spaces sends so that no one-second window holds more than the rate allows: each start is at
    /// least 1/R after the previous one (fractional rates such as 0.5/s mean one send every 2 s), and
    /// for R of 1 or more no window of one second holds more than ⌊R⌋ starts. A small margin
    /// (<see cref="Margin"/>, 5 ms per second) absorbs jitter between the client's start and the
    /// server's arrival, so a window measured at the server stays within R too. Slots are handed out
    /// in call order; a caller that stalls never earns a burst later (no catching up).
    /// </summary>
    public sealed class RatePacer
    {
        public static readonly TimeSpan Margin = TimeSpan.FromMilliseconds(5);
        private static readonly TimeSpan Window = TimeSpan.FromSeconds(1) + Margin;

        private readonly object _gate = new object();
        private readonly IClock _clock;
        private readonly Queue<DateTimeOffset> _recent = new Queue<DateTimeOffset>();
        private readonly int _perWindow;
        private DateTimeOffset? _last;

        public RatePacer(double ratePerSecond, IClock clock)
        {
            if (!(ratePerSecond > 0) || double.IsInfinity(ratePerSecond))
                throw new ArgumentOutOfRangeException(nameof(ratePerSecond), "The rate must be a positive number of sends per second.");
            RatePerSecond = ratePerSecond;
            _clock = clock ?? throw new ArgumentNullException(nameof(clock));
            Interval = TimeSpan.FromTicks((long)Math.Ceiling(Window.Ticks / ratePerSecond));
            _perWindow = ratePerSecond >= 1 ? (int)Math.Floor(ratePerSecond) : 1;
        }

        public double RatePerSecond { get; }

        /// <summary>The minimum spacing between two starts.</summary>
        public TimeSpan Interval { get; }

        /// <summary>Books the next free start at or after <paramref name="now"/> and returns it.</summary>
        public DateTimeOffset Reserve(DateTimeOffset now)
        {
            lock (_gate)
            {
                var at = now;
                if (_last.HasValue && _last.Value + Interval > at) at = _last.Value + Interval;
                if (_recent.Count >= _perWindow)
                {
                    var oldest = _recent.Peek() + Window;
                    if (oldest > at) at = oldest;
                }
                while (_recent.Count >= _perWindow) _recent.Dequeue();
                _recent.Enqueue(at);
                _last = at;
                return at;
            }
        }

        /// <summary>Waits for this caller's turn.</summary>
        public Task WaitTurnAsync(CancellationToken cancellationToken)
        {
            var now = _clock.UtcNow;
            var at = Reserve(now);
            return at > now ? _clock.Delay(at - now, cancellationToken) : Task.CompletedTask;
        }
    }
}

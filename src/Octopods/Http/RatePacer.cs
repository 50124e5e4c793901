using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Octopods.Time;

namespace Octopods.Http
{
    /// <summary>
    /// Spaces sends at least 1/R apart so that no one-second window holds more than R of them (⌊R⌋ for
    /// R of 1 or more): <see cref="Reserve"/> books a slot, <see cref="Admit"/> checks the actual moment.
    /// </summary>
    public sealed class RatePacer
    {
        /// <summary>Added to every one-second window: absorbs the jitter between the client's send and the server's arrival.</summary>
        public static readonly TimeSpan Margin = TimeSpan.FromMilliseconds(10);
        private static readonly TimeSpan Window = TimeSpan.FromSeconds(1) + Margin;

        private readonly object _gate = new object();
        private readonly IClock _clock;
        private readonly Queue<DateTimeOffset> _recent = new Queue<DateTimeOffset>();
        private readonly Queue<DateTimeOffset> _sent = new Queue<DateTimeOffset>();
        private readonly int _perWindow;
        private DateTimeOffset? _last;

        public RatePacer(double ratePerSecond, IClock clock)
        {
            if (!(ratePerSecond > 0) || double.IsInfinity(ratePerSecond))
                throw new ArgumentOutOfRangeException(nameof(ratePerSecond), "The rate must be a positive number of sends per second.");
            RatePerSecond = ratePerSecond;
            if (clock == null) throw new ArgumentNullException(nameof(clock));
            // On the real clock, measure with a monotonic, fine-grained one: the wall clock is coarse on
            // .NET Framework and steps when the time is set. An injected clock (tests, sandbox) is kept.
            _clock = clock is SystemClock ? MonotonicClock.Instance : clock;
            Interval = TimeSpan.FromTicks((long)Math.Ceiling(Window.Ticks / ratePerSecond));
            _perWindow = ratePerSecond >= 1 ? (int)Math.Floor(ratePerSecond) : 1;
        }

        public double RatePerSecond { get; }

        /// <summary>The clock the pacer measures with (monotonic in place of the system clock).</summary>
        internal IClock Clock => _clock;

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

        /// <summary>
        /// At the moment of sending: zero when a send now keeps every one-second window of actual
        /// sends within the rate (the send is recorded), else how much longer to wait before asking again.
        /// </summary>
        public TimeSpan Admit(DateTimeOffset now)
        {
            lock (_gate)
            {
                if (_sent.Count >= _perWindow)
                {
                    var free = _sent.Peek() + Window;
                    if (now < free) return free - now;
                }
                while (_sent.Count >= _perWindow) _sent.Dequeue();
                _sent.Enqueue(now);
                return TimeSpan.Zero;
            }
        }

        /// <summary>
        /// Waits for this caller's turn; call it immediately before the request leaves (the client does,
        /// through <see cref="SendGate.BeforeSendAsync"/>), so the recorded moment is the send's.
        /// </summary>
        public async Task WaitTurnAsync(CancellationToken cancellationToken)
        {
            var now = _clock.UtcNow;
            var at = Reserve(now);
            if (at > now) await _clock.Delay(at - now, cancellationToken).ConfigureAwait(false);
            while (true)
            {
                var wait = Admit(_clock.UtcNow);
                if (wait <= TimeSpan.Zero) return;
                await _clock.Delay(wait, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}

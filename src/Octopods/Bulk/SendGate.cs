using System;
using System.Threading;
using System.Threading.Tasks;
using Octopods.Time;

namespace Octopods.Bulk
{
    /// <summary>
    /// What every worker of one bulk run passes before it sends: a shared pause that any 429 sets for
    /// everyone (until the time the service named), then the pacer's turn. The client calls
    /// <see cref="Pause"/> on a 429 and <see cref="EnterAsync"/> before retrying; the bulk engine calls
    /// <see cref="EnterAsync"/> before a row's first attempt, so a row waiting here has not been sent
    /// and has no intent in the journal yet.
    /// </summary>
    public sealed class SendGate
    {
        private readonly object _lock = new object();
        private readonly IClock _clock;
        private DateTimeOffset _pausedUntil = DateTimeOffset.MinValue;
        private int _pauses;

        public SendGate(IClock clock, RatePacer? pacer = null)
        {
            _clock = clock ?? throw new ArgumentNullException(nameof(clock));
            Pacer = pacer;
        }

        public RatePacer? Pacer { get; }

        /// <summary>How many 429s paused the run.</summary>
        public int Pauses => Volatile.Read(ref _pauses);

        public DateTimeOffset PausedUntil { get { lock (_lock) return _pausedUntil; } }

        /// <summary>How long the current pause still lasts (zero when none).</summary>
        public TimeSpan PauseLeft
        {
            get
            {
                var left = PausedUntil - _clock.UtcNow;
                return left > TimeSpan.Zero ? left : TimeSpan.Zero;
            }
        }

        /// <summary>Holds every worker until <paramref name="wait"/> from now (a longer pause already set wins).</summary>
        public void Pause(TimeSpan wait)
        {
            var until = _clock.UtcNow + (wait < TimeSpan.Zero ? TimeSpan.Zero : wait);
            lock (_lock)
            {
                if (until > _pausedUntil) _pausedUntil = until;
            }
            Interlocked.Increment(ref _pauses);
        }

        /// <summary>Waits out any pause, then (when <paramref name="paced"/>) the pacer's turn; a 429 during the turn restarts the wait.</summary>
        public async Task EnterAsync(bool paced, CancellationToken cancellationToken)
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var left = PausedUntil - _clock.UtcNow;
                if (left > TimeSpan.Zero)
                {
                    await _clock.Delay(left, cancellationToken).ConfigureAwait(false);
                    continue;
                }
                if (paced && Pacer != null) await Pacer.WaitTurnAsync(cancellationToken).ConfigureAwait(false);
                if (PausedUntil <= _clock.UtcNow) return;
            }
        }
    }
}

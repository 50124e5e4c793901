using System;
using System.Threading;
using System.Threading.Tasks;
using Octopods.Errors;
using Octopods.Time;

namespace Octopods.Http
{
    /// <summary>
    /// What every request of one bulk run passes before each attempt: a pause any 429 sets for everyone
    /// (<see cref="Pause"/>), then the pacer's turn. <see cref="Stop"/> ends every wait; <see cref="Block"/>
    /// refuses every later send untried. Who calls what, when: docs/dev/ARCHITECTURE.md.
    /// </summary>
    public sealed class SendGate : IDisposable
    {
        private readonly object _lock = new object();
        private readonly IClock _clock;
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private DateTimeOffset _pausedUntil = DateTimeOffset.MinValue;
        private DateTimeOffset _blockedUntil = DateTimeOffset.MinValue;
        private int _pauses;

        public SendGate(IClock clock, RatePacer? pacer = null)
        {
            _clock = clock ?? throw new ArgumentNullException(nameof(clock));
            Pacer = pacer;
        }

        public RatePacer? Pacer { get; }

        /// <summary>How many times a 429 paused the run (a pause set while another runs is the same pause).</summary>
        public int Pauses { get { lock (_lock) return _pauses; } }

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

        /// <summary>Set by <see cref="Stop"/>: no send may start any more.</summary>
        public bool IsStopped => _stop.IsCancellationRequested;

        /// <summary>Ends every wait for a turn and refuses every later one (Ctrl+C).</summary>
        public void Stop()
        {
            try { _stop.Cancel(); }
            catch (ObjectDisposedException) { }
        }

        /// <summary>Holds every worker until <paramref name="wait"/> from now (a longer pause already set wins).</summary>
        public void Pause(TimeSpan wait)
        {
            var now = _clock.UtcNow;
            var until = now + (wait < TimeSpan.Zero ? TimeSpan.Zero : wait);
            lock (_lock)
            {
                if (until <= _pausedUntil) return;
                // A new pause only when none was running: the 429s of workers refused together, or a
                // pause lengthened, are one pause.
                if (_pausedUntil <= now && until > now) _pauses++;
                _pausedUntil = until;
            }
        }

        /// <summary>Until when sends are refused without being tried (see <see cref="Block"/>); in the past when not blocked.</summary>
        public DateTimeOffset BlockedUntil { get { lock (_lock) return _blockedUntil; } }

        /// <summary>
        /// A 429 asked for a wait longer than the client may pause (a daily quota, say): until
        /// <paramref name="wait"/> from now, every send of the run fails at once as a certain failure
        /// (<see cref="ErrorNames.RateLimitBlocked"/>) instead of being tried only to be refused.
        /// </summary>
        public void Block(TimeSpan wait)
        {
            var until = _clock.UtcNow + (wait < TimeSpan.Zero ? TimeSpan.Zero : wait);
            lock (_lock)
            {
                if (until > _blockedUntil) _blockedUntil = until;
            }
        }

        /// <summary>Throws <see cref="ErrorNames.RateLimitBlocked"/> while the gate is blocked; nothing is sent.</summary>
        public void ThrowIfBlocked()
        {
            var until = BlockedUntil;
            if (until <= _clock.UtcNow) return;
            throw new OctopodsException(ErrorNames.RateLimitBlocked, OctopodsErrorKind.LimitsExceeded,
                $"The service refuses sends until {until.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC, longer than the client may pause; this message was not sent",
                $"Nothing was sent. Run the same command again after {until.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC; with the same -JournalPath the rows already sent are skipped.");
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

        /// <summary>
        /// Called by the client immediately before each attempt. A send (<paramref name="paced"/>) waits
        /// out any pause and takes the pacer's turn, and is refused with <see cref="SendStoppedException"/>
        /// when the gate is stopped or <paramref name="cancellationToken"/> is cancelled meanwhile
        /// (nothing left: the row is certainly not accepted). A read only waits out a pause.
        /// </summary>
        public async Task BeforeSendAsync(bool paced, CancellationToken cancellationToken)
        {
            if (!paced)
            {
                await EnterAsync(false, cancellationToken).ConfigureAwait(false);
                return;
            }
            if (IsStopped || cancellationToken.IsCancellationRequested) throw Stopped(null);
            ThrowIfBlocked();
            CancellationToken stop;
            try { stop = _stop.Token; }
            catch (ObjectDisposedException) { throw Stopped(null); }   // a disposed gate is a stopped one
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stop);
            try
            {
                await EnterAsync(true, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex)
            {
                throw Stopped(ex);
            }
            if (IsStopped) throw Stopped(null);
            ThrowIfBlocked();
        }

        /// <summary>Stops the gate for good; a send that still asks for its turn is refused as stopped.</summary>
        public void Dispose()
        {
            Stop();
            _stop.Dispose();
        }

        private static SendStoppedException Stopped(Exception? inner) =>
            new SendStoppedException("The run was stopped before this message was sent", inner);
    }
}

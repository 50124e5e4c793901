using System;
using System.Threading;
using System.Threading.Tasks;
using Octopods.Errors;
using Octopods.Time;

namespace Octopods.FlowControl
{
    /// <summary>
    /// What every request of one bulk run passes before each attempt: the run's 429 policy (a pause
    /// for everyone, one budget of pauses for the whole run, a gradual restart after each pause), then
    /// the pacer's turn. <see cref="Stop"/> ends every wait; <see cref="Block"/> refuses every later
    /// send untried. Who calls what, when: docs/dev/ARCHITECTURE.md.
    /// </summary>
    internal sealed class SendGate : IDisposable
    {
        /// <summary>Pauses in a row, with no answer but 429 in between, after which the run stops sending.</summary>
        public const int DefaultPauseBudget = 5;

        private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

        private readonly object _lock = new object();
        private readonly IClock _clock;
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private readonly int _pauseBudget;
        private DateTimeOffset _pausedUntil = DateTimeOffset.MinValue;
        private DateTimeOffset _blockedUntil = DateTimeOffset.MinValue;
        private int _pauses;      // also the epoch: attempts admitted since the last pause began carry it
        private int _pausesInARow;
        private bool _exhausted;
        private readonly RestartWindow _restart = new RestartWindow();
        private readonly RateLearner _learner;

        public SendGate(IClock clock, RatePacer? pacer = null, int pauseBudget = DefaultPauseBudget)
        {
            _clock = clock ?? throw new ArgumentNullException(nameof(clock));
            if (pauseBudget < 0) throw new ArgumentOutOfRangeException(nameof(pauseBudget));
            _learner = new RateLearner(clock, pacer);
            _pauseBudget = pauseBudget;
        }

        /// <summary>The run's pacer: the one given, or one the gate made when a 429 showed the service's limit.</summary>
        public RatePacer? Pacer { get { lock (_lock) return _learner.Pacer; } }

        /// <summary>
        /// The rate the service's 429s showed (sends it took in the second before it refused one), which
        /// the run keeps from then on; null while none did.
        /// </summary>
        public double? LearnedRatePerSecond { get { lock (_lock) return _learner.LearnedRate; } }

        /// <summary>Pauses in a row the run sits out; one more stops it sending.</summary>
        public int PauseBudget => _pauseBudget;

        /// <summary>How many times a 429 paused the run (a pause set while another runs is the same pause).</summary>
        public int Pauses { get { lock (_lock) return _pauses; } }

        /// <summary>Pauses since the service last answered anything but 429: the run's budget is spent beyond <c>pauseBudget</c>.</summary>
        public int PausesInARow { get { lock (_lock) return _pausesInARow; } }

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

        /// <summary>A ticket as of now, for callers outside <see cref="BeforeSendAsync"/>.</summary>
        public SendTicket Current { get { lock (_lock) return new SendTicket(false, _pauses); } }

        /// <summary>
        /// A 429: every request waits <paramref name="wait"/>, then the run restarts one send at a time,
        /// doubling with each answer. Returns false when this pause is one more than the run's budget
        /// allows: the gate then refuses every later send (<see cref="ThrowIfBlocked"/>).
        /// <paramref name="namedTime"/>: the service named when to try again, as its rate limit does;
        /// only such a 429 teaches the run the service's rate.
        /// </summary>
        public bool RateLimited(TimeSpan wait, SendTicket ticket, bool namedTime = true)
        {
            var now = _clock.UtcNow;
            PacerAnswered(ticket);
            var until = now + (wait < TimeSpan.Zero ? TimeSpan.Zero : wait);
            lock (_lock)
            {
                if (_exhausted) return false;
                // A new pause only when none was running and the refused attempt left after the last
                // pause began: the 429s of workers refused together, answers to attempts sent before a
                // pause, or a pause lengthened, are one pause.
                if (_pausedUntil <= now && until > now && ticket.Epoch == _pauses)
                {
                    // A second of sending since the last pause shows how many the service takes per second.
                    if (namedTime && ticket.IsSend && now - _pausedUntil >= Second) _learner.Refused(ticket.LeftAt, now);
                    _pauses++;
                    if (++_pausesInARow > _pauseBudget)
                    {
                        _exhausted = true;
                        return false;
                    }
                }
                if (until > _pausedUntil) _pausedUntil = until;
                _restart.Restart();
                return true;
            }
        }

        /// <summary>
        /// The service answered something other than 429: the budget starts again, and an attempt that
        /// held a place in the restart grows it (an answer to one sent before the pause does not).
        /// </summary>
        public void Answered(SendTicket ticket)
        {
            var now = _clock.UtcNow;
            lock (_lock)
            {
                PacerAnswered(ticket);
                if (ticket.IsSend) _learner.Accepted(ticket.LeftAt, now);
                _pausesInARow = 0;
            }
            if (ticket.Holding) _restart.Grow();
        }

        /// <summary>
        /// Holds every send until <paramref name="wait"/> from now, then restarts one at a time, as after a
        /// 429, without spending the 429 budget: the run's outage watch pauses this way when the service
        /// keeps failing (a longer pause already set wins).
        /// </summary>
        public void Hold(TimeSpan wait)
        {
            var until = _clock.UtcNow + (wait < TimeSpan.Zero ? TimeSpan.Zero : wait);
            lock (_lock)
            {
                if (until > _pausedUntil) _pausedUntil = until;
            }
            _restart.Restart();
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

        /// <summary>Throws <see cref="ErrorNames.RateLimitBlocked"/> while the gate is blocked or its budget spent; nothing is sent.</summary>
        public void ThrowIfBlocked()
        {
            bool exhausted;
            DateTimeOffset until;
            lock (_lock)
            {
                exhausted = _exhausted;
                until = _blockedUntil;
            }
            if (exhausted)
            {
                throw new OctopodsException(ErrorNames.RateLimitBlocked, OctopodsErrorKind.LimitsExceeded,
                    $"The service kept refusing sends (HTTP 429) through {_pauseBudget + 1} pauses in a row, so the run stopped sending; this message was not sent",
                    "Nothing was sent. Run the same command again later, or more slowly (-RatePerSecond); with the same -JournalPath the rows already sent are skipped.");
            }
            if (until <= _clock.UtcNow) return;
            throw new OctopodsException(ErrorNames.RateLimitBlocked, OctopodsErrorKind.LimitsExceeded,
                $"The service refuses sends until {until.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC, longer than the client may pause; this message was not sent",
                $"Nothing was sent. Run the same command again after {until.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC; with the same -JournalPath the rows already sent are skipped.");
        }

        /// <summary>Waits out any pause (a 429 may lengthen it meanwhile).</summary>
        public async Task WaitOutPauseAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var left = PausedUntil - _clock.UtcNow;
                if (left <= TimeSpan.Zero) return;
                await _clock.Delay(left, cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>
        /// Immediately before each attempt (<see cref="RunAttemptPolicy"/>). A send (<paramref name="paced"/>) waits
        /// out any pause, then for its place in a restart, then takes the pacer's turn in the row's
        /// <paramref name="order"/>, and is refused
        /// with <see cref="SendStoppedException"/> when the gate is stopped or
        /// <paramref name="cancellationToken"/> is cancelled meanwhile (nothing left: the row is
        /// certainly not accepted). A read only waits out a pause. Returns true when the attempt holds a
        /// place, which the client gives back with <see cref="AfterAttempt"/>; the ticket also says which pause it followed.
        /// </summary>
        public async Task<SendTicket> BeforeSendAsync(bool paced, long? order, CancellationToken cancellationToken)
        {
            if (!paced)
            {
                await WaitOutPauseAsync(cancellationToken).ConfigureAwait(false);
                return Current;
            }
            if (IsStopped || cancellationToken.IsCancellationRequested) throw Stopped(null);
            ThrowIfBlocked();
            CancellationToken stop;
            try { stop = _stop.Token; }
            catch (ObjectDisposedException) { throw Stopped(null); }   // a disposed gate is a stopped one
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stop);
            var holding = false;
            long sequence = 0;
            try
            {
                while (true)
                {
                    await WaitOutPauseAsync(linked.Token).ConfigureAwait(false);
                    LearnAfterPause();
                    holding = await _restart.TakeAsync(linked.Token).ConfigureAwait(false);
                    var pacer = Pacer;
                    if (pacer != null) sequence = await pacer.WaitTurnAsync(order, linked.Token).ConfigureAwait(false);
                    if (PausedUntil <= _clock.UtcNow) break;
                    // A 429 paused the run meanwhile: give the place back and wait with everyone.
                    AfterAttempt(new SendTicket(holding, 0, isSend: true, paceSequence: sequence));
                    holding = false;
                    sequence = 0;
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException || ex is ObjectDisposedException)
            {
                // Cancelled, or the gate (and its pacer) disposed meanwhile: both are a stop.
                AfterAttempt(new SendTicket(holding, 0, isSend: true, paceSequence: sequence));
                throw Stopped(ex);
            }
            if (IsStopped || Exhausted || BlockedUntil > _clock.UtcNow)
            {
                // Stopped, or another row's 429 stopped or blocked the run while this one waited.
                AfterAttempt(new SendTicket(holding, 0, isSend: true, paceSequence: sequence));
                if (IsStopped) throw Stopped(null);
                ThrowIfBlocked();
            }
            var left = _clock.UtcNow;
            lock (_lock)
            {
                _learner.Left(left);
                return new SendTicket(holding, _pauses, isSend: true, paceSequence: sequence, leftAt: left);
            }
        }

        /// <summary>An attempt's place is free again (its answer came, or it failed); <paramref name="ticket"/> as BeforeSendAsync returned.</summary>
        public void AfterAttempt(SendTicket ticket)
        {
            if (ticket.PaceSequence > 0 && Pacer is RatePacer pacer) pacer.Ended(ticket.PaceSequence, pacer.Clock.UtcNow);
            if (ticket.Holding) _restart.Release();
        }

        /// <summary>
        /// Called by the client when a send's body goes onto the wire: the pacer counts the send from then,
        /// so one held up after its turn (a busy machine, a connection still opening) cannot crowd a window.
        /// </summary>
        public void OnWire(SendTicket ticket)
        {
            if (ticket.PaceSequence > 0 && Pacer is RatePacer pacer) pacer.Left(ticket.PaceSequence, pacer.Clock.UtcNow);
        }

        /// <summary>Row <paramref name="order"/> of the run will ask for a turn: waiting turns of later rows let it go first.</summary>
        public void Expect(long order) => Pacer?.Expect(order);

        /// <summary>Row <paramref name="order"/> is done, sent or not: nobody waits for it any more.</summary>
        public void Settle(long order) => Pacer?.Settle(order);

        private void PacerAnswered(SendTicket ticket)
        {
            if (ticket.PaceSequence > 0 && _learner.Pacer is RatePacer pacer) pacer.Answered(ticket.PaceSequence, pacer.Clock.UtcNow);
        }

        // Once no pause runs: the learner may learn from the last 429, or probe its rate upward.
        private void LearnAfterPause()
        {
            lock (_lock)
            {
                var now = _clock.UtcNow;
                if (_pausedUntil > now) return;
                _learner.BeforeSend(now, _pausedUntil);
            }
        }

        private bool Exhausted { get { lock (_lock) return _exhausted; } }

        /// <summary>Stops the gate for good; a send that still asks for its turn is refused as stopped.</summary>
        public void Dispose()
        {
            Stop();
            _stop.Dispose();
            Pacer?.Dispose();
        }

        private static SendStoppedException Stopped(Exception? inner) =>
            new SendStoppedException("The run was stopped before this message was sent", inner);
    }
}

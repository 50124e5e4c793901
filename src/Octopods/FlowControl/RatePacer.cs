using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Octopods.Time;

namespace Octopods.FlowControl
{
    /// <summary>
    /// Admission: gives sends their turns so that every one-second window at the server holds at most
    /// R of them, judged where the provider counts: at arrival (the estimate is the
    /// <see cref="ArrivalWindow"/>'s). Waiting turns go in the rows' input order, holding a turn briefly
    /// for an earlier row still on its way. The run's <see cref="RateLearner"/> lowers the rate when the
    /// service's 429s show its limit (<see cref="LimitTo"/>) and probes it upward again later.
    /// </summary>
    /// <remarks>
    /// On the real clock one driver thread admits waiters in order and continues each send on itself,
    /// so a paced send costs no timer callback and no thread-pool wake (on a VM each wake of an idle
    /// pool worker spins first, several times the CPU of the send). The thread ends when idle.
    /// </remarks>
    internal sealed class RatePacer : IDisposable
    {
        /// <summary>The most a send's arrival is assumed to lag its start (also the slack of a send still unanswered).</summary>
        public static readonly TimeSpan MaxSlack = TimeSpan.FromMilliseconds(50);

        /// <summary>Added to every measured slack: the shortest round trip is itself only an estimate.</summary>
        public static readonly TimeSpan SlackFloor = TimeSpan.FromMilliseconds(3);

        /// <summary>Round trips measured before any is trusted to bound a slack: until then every send keeps <see cref="MaxSlack"/>.</summary>
        public const int RoundTripsBeforeTrust = 16;

        /// <summary>How long a turn is held for an earlier row still on its way (its journal intent, say) before a later row takes it.</summary>
        public static readonly TimeSpan HoldForEarlier = TimeSpan.FromMilliseconds(100);

        private static readonly TimeSpan DriverIdleExit = TimeSpan.FromSeconds(2);

        private readonly object _lock = new object();
        private readonly IClock _clock;
        private readonly bool _realTime;
        // Waiting turns: by the caller's order (a row's input position), then by arrival.
        private readonly SortedSet<PacerWaiter> _waiters = new SortedSet<PacerWaiter>(PacerWaiter.ByOrder);
        private long _arrivals;
        // Rows that will ask for a turn and have not had one: a later row waits for them, up to HoldForEarlier.
        private readonly SortedSet<long> _expected = new SortedSet<long>();
        private DateTimeOffset? _holdingSince;
        private long _holdingFor = long.MinValue;
        private TaskCompletionSource<bool>? _turnTaken;
        private readonly HashSet<long> _virtualInFlight = new HashSet<long>();   // ordered sends on virtual time not yet over

        private readonly AutoResetEvent _wake = new AutoResetEvent(false);
        private readonly ArrivalWindow _window;
        private Thread? _driver;
        private bool _disposed;

        public RatePacer(double ratePerSecond, IClock clock)
        {
            if (!(ratePerSecond > 0) || double.IsInfinity(ratePerSecond))
                throw new ArgumentOutOfRangeException(nameof(ratePerSecond), "The rate must be a positive number of sends per second.");
            if (clock == null) throw new ArgumentNullException(nameof(clock));
            // On the real clock, measure with a monotonic, fine-grained one: the wall clock is coarse on
            // .NET Framework and steps when the time is set. An injected clock (tests, sandbox) is kept.
            _clock = clock is SystemClock ? MonotonicClock.Instance : clock;
            _realTime = _clock is MonotonicClock;
            _window = new ArrivalWindow(ratePerSecond);
        }

        /// <summary>The rate kept now: the one asked for, or lower once <see cref="LimitTo"/> lowered it.</summary>
        public double RatePerSecond { get { lock (_lock) return _window.RatePerSecond; } }

        /// <summary>The clock the pacer measures with (monotonic in place of the system clock).</summary>
        internal IClock Clock => _clock;

        /// <summary>The minimum spacing between two starts.</summary>
        public TimeSpan Interval { get { lock (_lock) return _window.Interval; } }

        /// <summary>Lowers the rate: later sends keep the new one.</summary>
        public void LimitTo(double ratePerSecond)
        {
            if (!(ratePerSecond > 0)) throw new ArgumentOutOfRangeException(nameof(ratePerSecond));
            lock (_lock)
            {
                if (ratePerSecond >= _window.RatePerSecond) return;
                _window.SetRate(ratePerSecond);
            }
            Wake();
        }

        /// <summary>Raises the rate again (after <see cref="LimitTo"/>); the gate never raises it past the rate first asked for.</summary>
        internal void RaiseTo(double ratePerSecond)
        {
            if (!(ratePerSecond > 0) || double.IsInfinity(ratePerSecond)) throw new ArgumentOutOfRangeException(nameof(ratePerSecond));
            lock (_lock)
            {
                if (ratePerSecond <= _window.RatePerSecond) return;
                _window.SetRate(ratePerSecond);
            }
            Wake();
        }

        /// <summary>Sends made before this pacer existed, each known to have arrived by the moment given (<see cref="ArrivalWindow.Seed"/>).</summary>
        public void Seed(IEnumerable<DateTimeOffset> arrivedBy)
        {
            lock (_lock) _window.Seed(arrivedBy);
        }

        /// <summary>Send <paramref name="sequence"/> went onto the wire at <paramref name="at"/> (<see cref="ArrivalWindow.Left"/>).</summary>
        public void Left(long sequence, DateTimeOffset at) => Update(sequence, over: false, () => _window.Left(sequence, at));

        /// <summary>The answer to send <paramref name="sequence"/> came at <paramref name="at"/> (<see cref="ArrivalWindow.Answered"/>).</summary>
        public void Answered(long sequence, DateTimeOffset at) => Update(sequence, over: true, () => _window.Answered(sequence, at));

        /// <summary>The attempt for send <paramref name="sequence"/> is over at <paramref name="at"/>, answered or not (<see cref="ArrivalWindow.Ended"/>).</summary>
        public void Ended(long sequence, DateTimeOffset at) => Update(sequence, over: true, () => _window.Ended(sequence, at));

        // over: the attempt is answered or ended (not only on the wire).
        private void Update(long sequence, bool over, Action update)
        {
            if (sequence <= 0) return;
            lock (_lock)
            {
                update();
                if (over && _virtualInFlight.Remove(sequence)) SignalTurnTaken();
                if (_waiters.Count == 0) return;
            }
            Wake();   // the head may go sooner now that more is known of this send
        }

        /// <summary>Row <paramref name="order"/> will ask for a turn: until it has one, later rows wait for it (a while).</summary>
        public void Expect(long order)
        {
            lock (_lock) _expected.Add(order);
        }

        /// <summary>Row <paramref name="order"/> will not ask (any more): nobody waits for it.</summary>
        public void Settle(long order)
        {
            lock (_lock)
            {
                if (!_expected.Remove(order)) return;
                SignalTurnTaken();
                if (_waiters.Count == 0) return;
            }
            Wake();
        }

        // Under the lock: an earlier row than `order` will still ask for a turn.
        private bool EarlierExpected(long? order) => order.HasValue && _expected.Count > 0 && _expected.Min < order.Value;

        // Under the lock: how long the turn free now must still be held for an earlier row, or zero. The
        // hold is counted once per head waiter: a rate wait after it does not start it again.
        private TimeSpan HoldFor(long order, DateTimeOffset now)
        {
            if (!EarlierExpected(order)) return TimeSpan.Zero;
            if (_holdingFor != order || !_holdingSince.HasValue)
            {
                _holdingFor = order;
                _holdingSince = now;
            }
            var left = _holdingSince.Value + HoldForEarlier - now;
            return left > TimeSpan.Zero ? left : TimeSpan.Zero;
        }

        /// <summary>
        /// Waits for this caller's turn and returns the send's sequence. Call it immediately before the
        /// request leaves (the client does, through <see cref="SendGate.BeforeSendAsync"/>), then report
        /// <see cref="Left"/> when it reaches the wire, <see cref="Answered"/> and <see cref="Ended"/>:
        /// until then the send counts as arriving at any moment. Waiting turns are given by
        /// <paramref name="order"/> (a row's input position, from its <see cref="SendContext"/>), then in the order
        /// asked for; a turn free when asked is taken at once, whatever its order.
        /// </summary>
        public Task<long> WaitTurnAsync(long? order, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!_realTime) return WaitTurnOnClockAsync(order, cancellationToken);
            PacerWaiter waiter;
            lock (_lock)
            {
                if (_disposed) throw new ObjectDisposedException(nameof(RatePacer));
                var at = _clock.UtcNow;
                if (_waiters.Count == 0 && !EarlierExpected(order) &&
                    _window.Admit(at, out var now, leftNow: false) == TimeSpan.Zero)
                {
                    if (order.HasValue) _expected.Remove(order.Value);
                    return Task.FromResult(now);
                }
                var arrival = ++_arrivals;
                waiter = new PacerWaiter(order ?? long.MaxValue, arrival, cancellationToken);
                _waiters.Add(waiter);
                if (_driver == null)
                {
                    _driver = new Thread(Drive) { IsBackground = true, Name = "Octopods pacer" };
                    _driver.Start();
                }
            }
            // The driver thread completes a cancelled turn too, so a stop never runs a send's code on the stopping thread.
            if (cancellationToken.CanBeCanceled)
            {
                waiter.Registration = cancellationToken.Register(() =>
                {
                    waiter.Cancelled = true;
                    Wake();
                });
            }
            Wake();
            return waiter.Turn.Task;
        }

        // A virtual clock (tests, the sandbox): its waits pass at once, so the caller waits for itself.
        // The hold for an earlier row is measured in real time here: virtual time would let it pass at once.
        private async Task<long> WaitTurnOnClockAsync(long? order, CancellationToken cancellationToken)
        {
            var held = System.Diagnostics.Stopwatch.StartNew();
            while (true)
            {
                Task? earlier = null;
                TimeSpan wait;
                long sequence;
                lock (_lock)
                {
                    // In order, and one at a time: on virtual time every turn is free at once, so the
                    // previous send must be over before the next may go, or they would cross.
                    var earlierComing = EarlierExpected(order) && held.Elapsed < HoldForEarlier;
                    if (earlierComing || (order.HasValue && _virtualInFlight.Count > 0))
                    {
                        earlier = (_turnTaken ??= new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
                        wait = TimeSpan.Zero;
                        sequence = 0;
                    }
                    else
                    {
                        wait = _window.Admit(_clock.UtcNow, out sequence, leftNow: true);
                        if (wait <= TimeSpan.Zero && order.HasValue)
                        {
                            _virtualInFlight.Add(sequence);
                            if (_expected.Remove(order.Value)) SignalTurnTaken();
                        }
                    }
                }
                if (earlier != null)
                {
                    var left = HoldForEarlier - held.Elapsed;
                    await Task.WhenAny(earlier, Task.Delay(left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1), cancellationToken)).ConfigureAwait(false);
                    cancellationToken.ThrowIfCancellationRequested();
                    continue;
                }
                if (wait <= TimeSpan.Zero) return sequence;
                await _clock.Delay(wait, cancellationToken).ConfigureAwait(false);
            }
        }

        // Under the lock: an earlier row took its turn or settled; virtual-time waiters look again.
        private void SignalTurnTaken()
        {
            var taken = _turnTaken;
            _turnTaken = null;
            taken?.TrySetResult(true);
        }

        private void Drive()
        {
            while (true)
            {
                List<PacerWaiter>? dropped = null;
                PacerWaiter? next = null;
                long sequence = 0;
                var wait = DriverIdleExit;
                bool disposed;
                lock (_lock)
                {
                    disposed = _disposed;
                    if (disposed || _waiters.Any(w => w.Cancelled))
                    {
                        dropped = _waiters.Where(w => disposed || w.Cancelled).ToList();
                        foreach (var w in dropped) _waiters.Remove(w);
                    }
                    if (disposed) _driver = null;
                    else if (_waiters.Count > 0)
                    {
                        var now = _clock.UtcNow;
                        var head = _waiters.Min!;
                        wait = HoldFor(head.Order, now);
                        if (wait == TimeSpan.Zero) wait = _window.Admit(now, out sequence, leftNow: false);
                        if (wait == TimeSpan.Zero)
                        {
                            next = head;
                            _waiters.Remove(next);
                            _expected.Remove(next.Order);
                        }
                    }
                }
                if (dropped != null)
                {
                    foreach (var w in dropped)
                    {
                        w.Registration.Dispose();
                        if (disposed) w.Turn.TrySetException(new ObjectDisposedException(nameof(RatePacer)));
                        else w.Turn.TrySetCanceled(w.Token);
                    }
                }
                if (disposed)
                {
                    _wake.Dispose();
                    return;
                }
                if (next != null)
                {
                    next.Registration.Dispose();
                    // Carries the send on, on this thread, up to its first real wait (the answer).
                    next.Turn.TrySetResult(sequence);
                    continue;
                }
                if (_wake.WaitOne(wait) || wait != DriverIdleExit) continue;
                lock (_lock)
                {
                    if (_waiters.Count > 0 || _disposed) continue;
                    _driver = null;
                    return;
                }
            }
        }

        private void Wake()
        {
            // A wake after the pacer was disposed has nobody to wake.
            try { _wake.Set(); }
            catch (ObjectDisposedException) { }
        }

        /// <summary>Ends the driver thread; a send still waiting for its turn fails with ObjectDisposedException.</summary>
        public void Dispose()
        {
            lock (_lock)
            {
                if (_disposed) return;
                _disposed = true;
                if (_driver == null)
                {
                    _wake.Dispose();
                    return;
                }
            }
            Wake();
        }
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Octopods.Time;

namespace Octopods.Http
{
    /// <summary>
    /// Keeps every one-second window at the server within R sends (⌊R⌋ for R of 1 or more), judged
    /// where the provider counts: at arrival. Sends start at least 1/R apart, and a send may start only
    /// one second after the R-th latest moment at which an earlier send may have arrived. That moment
    /// is a send's start plus its slack: how much later than the fastest request it may have arrived,
    /// which is its round trip less the shortest recent round trip, up to <see cref="MaxSlack"/> (the
    /// whole of it until its answer comes). The gate lowers the rate when the service's 429s show its
    /// limit (<see cref="LimitTo"/>) and probes it upward again later.
    /// </summary>
    /// <remarks>
    /// On the real clock one driver thread admits waiters in order and continues each send on itself,
    /// so a paced send costs no timer callback and no thread-pool wake (on a VM each wake of an idle
    /// pool worker spins first, several times the CPU of the send). The thread ends when idle.
    /// </remarks>
    public sealed class RatePacer : IDisposable
    {
        /// <summary>The most a send's arrival is assumed to lag its start (also the slack of a send still unanswered).</summary>
        public static readonly TimeSpan MaxSlack = TimeSpan.FromMilliseconds(50);

        /// <summary>Added to every measured slack: the shortest round trip is itself only an estimate.</summary>
        public static readonly TimeSpan SlackFloor = TimeSpan.FromMilliseconds(3);

        /// <summary>Round trips measured before any is trusted to bound a slack: until then every send keeps <see cref="MaxSlack"/>.</summary>
        public const int RoundTripsBeforeTrust = 16;

        /// <summary>How long a turn is held for an earlier row still on its way (its journal intent, say) before a later row takes it.</summary>
        public static readonly TimeSpan HoldForEarlier = TimeSpan.FromMilliseconds(100);

        private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
        private static readonly TimeSpan DriverIdleExit = TimeSpan.FromSeconds(2);
        private const int RoundTripSamples = 256;

        private readonly object _lock = new object();
        private readonly IClock _clock;
        private readonly bool _realTime;
        // Waiting turns: by the caller's order (a row's input position), then by arrival.
        private readonly SortedSet<Waiter> _waiters = new SortedSet<Waiter>(Waiter.ByOrder);
        private long _arrivals;
        // Rows that will ask for a turn and have not had one: a later row waits for them, up to HoldForEarlier.
        private readonly SortedSet<long> _expected = new SortedSet<long>();
        private DateTimeOffset? _holdingSince;
        private long _holdingFor = long.MinValue;
        private TaskCompletionSource<bool>? _turnTaken;
        private readonly HashSet<long> _virtualInFlight = new HashSet<long>();   // ordered sends on virtual time not yet over

        private readonly AutoResetEvent _wake = new AutoResetEvent(false);
        private readonly TimeSpan[] _roundTrips = new TimeSpan[RoundTripSamples];
        private Sent[] _recent = Array.Empty<Sent>();   // the latest sends, oldest at _first: all that can still bound a window
        private long[] _bounds = Array.Empty<long>();
        private int _first;
        private int _count;
        private int _perWindow;
        private long _sequence;
        private DateTimeOffset? _last;
        private int _roundTripCount;    // samples held, up to RoundTripSamples
        private int _roundTripNext;
        private TimeSpan _fastest = TimeSpan.MaxValue;
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
            SetRate(ratePerSecond);
        }

        /// <summary>The rate kept now: the one asked for, or lower once <see cref="LimitTo"/> lowered it.</summary>
        public double RatePerSecond { get; private set; }

        /// <summary>The clock the pacer measures with (monotonic in place of the system clock).</summary>
        internal IClock Clock => _clock;

        /// <summary>The minimum spacing between two starts.</summary>
        public TimeSpan Interval { get; private set; }

        /// <summary>Lowers the rate: later sends keep the new one.</summary>
        public void LimitTo(double ratePerSecond)
        {
            if (!(ratePerSecond > 0)) throw new ArgumentOutOfRangeException(nameof(ratePerSecond));
            lock (_lock)
            {
                if (ratePerSecond >= RatePerSecond) return;
                SetRate(ratePerSecond);
            }
            Wake();
        }

        /// <summary>Raises the rate again (after <see cref="LimitTo"/>); the gate never raises it past the rate first asked for.</summary>
        internal void RaiseTo(double ratePerSecond)
        {
            if (!(ratePerSecond > 0) || double.IsInfinity(ratePerSecond)) throw new ArgumentOutOfRangeException(nameof(ratePerSecond));
            lock (_lock)
            {
                if (ratePerSecond <= RatePerSecond) return;
                SetRate(ratePerSecond);
            }
            Wake();
        }

        // Under the lock (or in the constructor). Keeps the newest sends that still count.
        private void SetRate(double ratePerSecond)
        {
            RatePerSecond = ratePerSecond;
            Interval = TimeSpan.FromTicks((long)Math.Ceiling(Second.Ticks / ratePerSecond));
            _perWindow = ratePerSecond >= 1 ? (int)Math.Floor(ratePerSecond) : 1;
            // Sends older than these started at least MaxSlack before the R-th latest, so none of them
            // can be among the R latest arrivals.
            var capacity = _perWindow + (int)Math.Ceiling(ratePerSecond * MaxSlack.TotalSeconds) + 1;
            var kept = new Sent[capacity];
            var skip = Math.Max(0, _count - capacity);
            for (var i = skip; i < _count; i++) kept[i - skip] = _recent[(_first + i) % _recent.Length];
            _recent = kept;
            _bounds = new long[capacity];
            _first = 0;
            _count -= skip;
        }

        /// <summary>
        /// Zero when a send may start at <paramref name="now"/> (it is then recorded and
        /// <paramref name="sequence"/> names it for <see cref="Answered"/>), else how long to wait before asking again.
        /// </summary>
        public TimeSpan Admit(DateTimeOffset now, out long sequence)
        {
            lock (_lock) return AdmitLocked(now, out sequence, leftNow: true);
        }

        /// <summary>As <see cref="WaitTurnAsync"/> admits: the send counts as arriving any moment until <see cref="Left"/> or <see cref="Ended"/>.</summary>
        internal TimeSpan AdmitLeaving(DateTimeOffset now, out long sequence)
        {
            lock (_lock) return AdmitLocked(now, out sequence, leftNow: false);
        }

        // leftNow: the send leaves at the moment admitted (virtual time, tests); else it is leaving until
        // Left, Answered or Ended says more, and counts as arriving any moment until then.
        private TimeSpan AdmitLocked(DateTimeOffset now, out long sequence, bool leftNow)
        {
            sequence = 0;
            var wait = _last.HasValue ? _last.Value + Interval - now : TimeSpan.Zero;
            if (_count >= _perWindow)
            {
                // The R-th latest moment an earlier send may have reached the server, plus one second.
                for (var i = 0; i < _count; i++)
                {
                    _bounds[i] = ArrivedBy(_recent[(_first + i) % _recent.Length], now).UtcTicks;
                }
                Array.Sort(_bounds, 0, _count);
                var free = new DateTimeOffset(_bounds[_count - _perWindow], TimeSpan.Zero) + Second;
                if (free - now > wait) wait = free - now;
            }
            if (wait > TimeSpan.Zero) return wait;
            if (_count == _recent.Length) EvictOldestOnWire();
            sequence = ++_sequence;
            _recent[(_first + _count) % _recent.Length] = new Sent(sequence, now) { OnWire = leftNow };
            _count++;
            _last = now;
            return TimeSpan.Zero;
        }

        /// <summary>
        /// Sends made before this pacer existed, each known to have reached the server by the moment given
        /// (its answer): they count against the windows of the first sends paced.
        /// </summary>
        internal void Seed(IEnumerable<DateTimeOffset> arrivedBy)
        {
            lock (_lock)
            {
                foreach (var at in arrivedBy.OrderBy(t => t))
                {
                    if (_count == _recent.Length) EvictOldestOnWire();
                    _recent[(_first + _count) % _recent.Length] = new Sent(0, at) { OnWire = true, Arrived = true };
                    _count++;
                }
            }
        }

        // Under the lock, the ring full: drops the oldest send that has reached the wire. One still
        // leaving may arrive any time later, so it keeps counting until it is on the wire.
        private void EvictOldestOnWire()
        {
            var victim = 0;
            for (var i = 0; i < _count; i++)
            {
                var sent = _recent[(_first + i) % _recent.Length];
                if (sent.OnWire || sent.Arrived)
                {
                    victim = i;
                    break;
                }
            }
            for (var i = victim; i > 0; i--)
                _recent[(_first + i) % _recent.Length] = _recent[(_first + i - 1) % _recent.Length];
            _first = (_first + 1) % _recent.Length;
            _count--;
        }

        // The latest moment the send may have reached the server, as far as is known at `now`.
        private DateTimeOffset ArrivedBy(Sent sent, DateTimeOffset now)
        {
            if (sent.Arrived) return sent.At;
            if (!sent.OnWire) return now > sent.At ? now : sent.At;   // still leaving: it may arrive any moment
            if (!sent.RoundTrip.HasValue || _roundTripCount < RoundTripsBeforeTrust) return sent.At + MaxSlack;
            var slack = sent.RoundTrip.Value - _fastest + SlackFloor;
            return sent.At + (slack > MaxSlack ? MaxSlack : slack);
        }

        /// <summary>
        /// Send <paramref name="sequence"/> went onto the wire at <paramref name="at"/> (its body was
        /// written): a send held up between its turn and the wire is counted from then.
        /// </summary>
        public void Left(long sequence, DateTimeOffset at) => Update(sequence, over: false, (ref Sent sent) =>
        {
            if (sent.OnWire) return;
            sent.OnWire = true;
            if (at > sent.At) sent.At = at;
        });

        /// <summary>
        /// The answer to send <paramref name="sequence"/> came at <paramref name="at"/>: its round trip,
        /// against the fastest recent one, bounds how late it can have arrived. Unanswered sends keep <see cref="MaxSlack"/>.
        /// </summary>
        public void Answered(long sequence, DateTimeOffset at) => Update(sequence, over: true, (ref Sent sent) =>
        {
            sent.OnWire = true;
            var roundTrip = at - sent.At;
            if (roundTrip < TimeSpan.Zero) roundTrip = TimeSpan.Zero;
            NoteRoundTrip(roundTrip);
            sent.RoundTrip = roundTrip;
        });

        /// <summary>
        /// The attempt for send <paramref name="sequence"/> is over at <paramref name="at"/>, answered or
        /// not: one that never reached the wire never arrives, and one with no answer arrived by now if at all.
        /// </summary>
        public void Ended(long sequence, DateTimeOffset at) => Update(sequence, over: true, (ref Sent sent) =>
        {
            if (sent.RoundTrip.HasValue || sent.Arrived) return;
            if (sent.OnWire && at > sent.At) sent.At = at;
            sent.OnWire = true;
            sent.Arrived = true;
        });

        private delegate void SentUpdate(ref Sent sent);

        // over: the attempt is answered or ended (not only on the wire).
        private void Update(long sequence, bool over, SentUpdate update)
        {
            if (sequence <= 0) return;
            lock (_lock)
            {
                for (var i = _count - 1; i >= 0; i--)
                {
                    var k = (_first + i) % _recent.Length;
                    if (_recent[k].Sequence != sequence) continue;
                    update(ref _recent[k]);
                    break;
                }
                if (over && _virtualInFlight.Remove(sequence)) SignalTurnTaken();
                if (_waiters.Count == 0) return;
            }
            Wake();   // the head may go sooner now that more is known of this send
        }

        private void NoteRoundTrip(TimeSpan roundTrip)
        {
            _roundTrips[_roundTripNext] = roundTrip;
            _roundTripNext = (_roundTripNext + 1) % RoundTripSamples;
            if (_roundTripCount < RoundTripSamples) _roundTripCount++;
            var n = _roundTripCount;
            var fastest = TimeSpan.MaxValue;
            for (var i = 0; i < n; i++) if (_roundTrips[i] < fastest) fastest = _roundTrips[i];
            _fastest = fastest;
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

        /// <summary>Waits for a turn in the order asked for; see <see cref="WaitTurnAsync(long?, CancellationToken)"/>.</summary>
        public Task<long> WaitTurnAsync(CancellationToken cancellationToken) => WaitTurnAsync(null, cancellationToken);

        /// <summary>
        /// Waits for this caller's turn and returns the send's sequence. Call it immediately before the
        /// request leaves (the client does, through <see cref="SendGate.BeforeSendAsync"/>), then report
        /// <see cref="Left"/> when it reaches the wire, <see cref="Answered"/> and <see cref="Ended"/>:
        /// until then the send counts as arriving at any moment. Waiting turns are given by
        /// <paramref name="order"/> (a row's input position; <see cref="SendOrder"/>), then in the order
        /// asked for; a turn free when asked is taken at once, whatever its order.
        /// </summary>
        public Task<long> WaitTurnAsync(long? order, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!_realTime) return WaitTurnOnClockAsync(order, cancellationToken);
            Waiter waiter;
            lock (_lock)
            {
                if (_disposed) throw new ObjectDisposedException(nameof(RatePacer));
                var at = _clock.UtcNow;
                if (_waiters.Count == 0 && !EarlierExpected(order) &&
                    AdmitLocked(at, out var now, leftNow: false) == TimeSpan.Zero)
                {
                    if (order.HasValue) _expected.Remove(order.Value);
                    return Task.FromResult(now);
                }
                var arrival = ++_arrivals;
                waiter = new Waiter(order ?? long.MaxValue, arrival, cancellationToken);
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
                        wait = AdmitLocked(_clock.UtcNow, out sequence, leftNow: true);
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
                List<Waiter>? dropped = null;
                Waiter? next = null;
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
                        if (wait == TimeSpan.Zero) wait = AdmitLocked(now, out sequence, leftNow: false);
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

        private struct Sent
        {
            public Sent(long sequence, DateTimeOffset at)
            {
                Sequence = sequence;
                At = at;
                RoundTrip = null;
                OnWire = false;
                Arrived = false;
            }

            public long Sequence;
            public DateTimeOffset At;
            public TimeSpan? RoundTrip;
            public bool OnWire;     // At is when it went onto the wire (else when its turn came)
            public bool Arrived;    // At is when it had certainly arrived (an answer-less end, or seeded)
        }

        private sealed class Waiter
        {
            public static readonly IComparer<Waiter> ByOrder = Comparer<Waiter>.Create((a, b) =>
                a.Order != b.Order ? a.Order.CompareTo(b.Order) : a.Arrival.CompareTo(b.Arrival));

            public Waiter(long order, long arrival, CancellationToken token)
            {
                Token = token;
                Order = order;
                Arrival = arrival;
            }

            public readonly long Order;
            public readonly long Arrival;

            // Synchronous continuations: the driver thread carries the send on.
            public readonly TaskCompletionSource<long> Turn = new TaskCompletionSource<long>();
            public readonly CancellationToken Token;
            public CancellationTokenRegistration Registration;
            public volatile bool Cancelled;
        }
    }
}

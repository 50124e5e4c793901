using System;
using System.Collections.Generic;
using System.Linq;

namespace Octopods.FlowControl
{
    /// <summary>
    /// The arrival estimate behind <see cref="RatePacer"/>: when each recent send may have reached the
    /// server, and so when the next may start without putting more than R sends (⌊R⌋ for R of 1 or
    /// more) in any one-second window there. A send's arrival is its start plus its slack: how much
    /// later than the fastest request it may have arrived, which is its round trip less the shortest
    /// recent round trip, up to <see cref="RatePacer.MaxSlack"/> (the whole of it until its answer comes).
    /// Not thread-safe: the pacer calls it under its lock.
    /// </summary>
    internal sealed class ArrivalWindow
    {
        private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
        private const int RoundTripSamples = 256;

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

        public ArrivalWindow(double ratePerSecond)
        {
            SetRate(ratePerSecond);
        }

        /// <summary>The rate kept now.</summary>
        public double RatePerSecond { get; private set; }

        /// <summary>The minimum spacing between two starts.</summary>
        public TimeSpan Interval { get; private set; }

        /// <summary>Keeps the newest sends that still count at the new rate.</summary>
        public void SetRate(double ratePerSecond)
        {
            RatePerSecond = ratePerSecond;
            Interval = TimeSpan.FromTicks((long)Math.Ceiling(Second.Ticks / ratePerSecond));
            _perWindow = ratePerSecond >= 1 ? (int)Math.Floor(ratePerSecond) : 1;
            // Sends older than these started at least MaxSlack before the R-th latest, so none of them
            // can be among the R latest arrivals.
            var capacity = _perWindow + (int)Math.Ceiling(ratePerSecond * RatePacer.MaxSlack.TotalSeconds) + 1;
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
        /// <paramref name="sequence"/> names it for <see cref="Left"/>, <see cref="Answered"/> and
        /// <see cref="Ended"/>), else how long to wait before asking again. <paramref name="leftNow"/>:
        /// the send leaves at the moment admitted (virtual time); else it is leaving until
        /// <see cref="Left"/> says more, and counts as arriving any moment until then.
        /// </summary>
        public TimeSpan Admit(DateTimeOffset now, out long sequence, bool leftNow)
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
        /// Sends made before the pacer existed, each known to have reached the server by the moment given
        /// (its answer): they count against the windows of the first sends paced.
        /// </summary>
        public void Seed(IEnumerable<DateTimeOffset> arrivedBy)
        {
            foreach (var at in arrivedBy.OrderBy(t => t))
            {
                if (_count == _recent.Length) EvictOldestOnWire();
                _recent[(_first + _count) % _recent.Length] = new Sent(0, at) { OnWire = true, Arrived = true };
                _count++;
            }
        }

        /// <summary>
        /// Send <paramref name="sequence"/> went onto the wire at <paramref name="at"/> (its body was
        /// written): a send held up between its turn and the wire is counted from then.
        /// </summary>
        public void Left(long sequence, DateTimeOffset at) => Update(sequence, (ref Sent sent) =>
        {
            if (sent.OnWire) return;
            sent.OnWire = true;
            if (at > sent.At) sent.At = at;
        });

        /// <summary>
        /// The answer to send <paramref name="sequence"/> came at <paramref name="at"/>: its round trip,
        /// against the fastest recent one, bounds how late it can have arrived. Unanswered sends keep the whole slack.
        /// </summary>
        public void Answered(long sequence, DateTimeOffset at) => Update(sequence, (ref Sent sent) =>
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
        public void Ended(long sequence, DateTimeOffset at) => Update(sequence, (ref Sent sent) =>
        {
            if (sent.RoundTrip.HasValue || sent.Arrived) return;
            if (sent.OnWire && at > sent.At) sent.At = at;
            sent.OnWire = true;
            sent.Arrived = true;
        });

        private delegate void SentUpdate(ref Sent sent);

        private void Update(long sequence, SentUpdate update)
        {
            for (var i = _count - 1; i >= 0; i--)
            {
                var k = (_first + i) % _recent.Length;
                if (_recent[k].Sequence != sequence) continue;
                update(ref _recent[k]);
                return;
            }
        }

        // The ring full: drops the oldest send that has reached the wire. One still leaving may arrive
        // any time later, so it keeps counting until it is on the wire.
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
            if (!sent.RoundTrip.HasValue || _roundTripCount < RatePacer.RoundTripsBeforeTrust) return sent.At + RatePacer.MaxSlack;
            var slack = sent.RoundTrip.Value - _fastest + RatePacer.SlackFloor;
            return sent.At + (slack > RatePacer.MaxSlack ? RatePacer.MaxSlack : slack);
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
    }
}

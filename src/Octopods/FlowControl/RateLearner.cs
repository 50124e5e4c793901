using System;
using System.Collections.Generic;
using System.Linq;
using Octopods.Time;

namespace Octopods.FlowControl
{
    /// <summary>
    /// The rate the service's 429s show: after a pause, the sends it took in the second before it
    /// refused one are what its window holds, so the run is paced to that from then on (never faster
    /// than -RatePerSecond asked), and probed upward again after quiet spells. Not thread-safe: the
    /// <see cref="SendGate"/> calls it under its lock.
    /// </summary>
    internal sealed class RateLearner
    {
        private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
        private static readonly TimeSpan AcceptedKept = TimeSpan.FromSeconds(5);
        private static readonly TimeSpan ProbeEvery = TimeSpan.FromSeconds(30);
        private const int MinFirstLesson = 5;

        private readonly IClock _clock;
        private readonly double? _askedRate;
        // Sends the service took (answered other than 429) in the last seconds: when each left and when its answer came.
        private readonly Queue<(DateTimeOffset Left, DateTimeOffset Answered)> _accepted = new Queue<(DateTimeOffset, DateTimeOffset)>();
        // A 429 to a send that left at Left, answered at Refused: learn once the pause is over.
        private (DateTimeOffset Left, DateTimeOffset Refused)? _learnAt;
        private DateTimeOffset _lastStep = DateTimeOffset.MinValue;
        private DateTimeOffset _firstSendAt = DateTimeOffset.MaxValue;

        public RateLearner(IClock clock, RatePacer? pacer)
        {
            _clock = clock;
            Pacer = pacer;
            _askedRate = pacer?.RatePerSecond;
        }

        /// <summary>The run's pacer: the one asked for, or one made when a 429 showed the service's limit.</summary>
        public RatePacer? Pacer { get; private set; }

        /// <summary>The rate learned from the service's 429s; null while none taught one.</summary>
        public double? LearnedRate { get; private set; }

        /// <summary>A send left at <paramref name="at"/> (the first one starts the clock of the first lesson).</summary>
        public void Left(DateTimeOffset at)
        {
            if (_firstSendAt == DateTimeOffset.MaxValue) _firstSendAt = at;
        }

        /// <summary>The service took a send that left at <paramref name="left"/>.</summary>
        public void Accepted(DateTimeOffset left, DateTimeOffset answered)
        {
            _accepted.Enqueue((left, answered));
            while (answered - _accepted.Peek().Answered > AcceptedKept) _accepted.Dequeue();
        }

        /// <summary>A named 429 began a pause after a second of sending: learn from it once the pause is over.</summary>
        public void Refused(DateTimeOffset left, DateTimeOffset refusedAt) => _learnAt = (left, refusedAt);

        /// <summary>Before a send, once no pause runs: learn from the last refusal, or probe a learned rate upward.</summary>
        public void BeforeSend(DateTimeOffset now, DateTimeOffset pausedUntil)
        {
            if (_learnAt.HasValue)
            {
                LearnLimit(_learnAt.Value.Left, _learnAt.Value.Refused);
                _learnAt = null;
                _lastStep = now;
                return;
            }
            // 10% every 30 s without a 429 (never past the rate asked for): a 429 met in a slow second, or a
            // limit the service has raised, does not hold the run back for good. A probe past the service's
            // limit costs one 429 and a step back.
            if (!LearnedRate.HasValue || Pacer == null) return;
            if (now - (pausedUntil > _lastStep ? pausedUntil : _lastStep) < ProbeEvery) return;
            _lastStep = now;
            var raised = Math.Max(LearnedRate.Value + 1, Math.Floor(LearnedRate.Value * 1.1));
            if (_askedRate.HasValue && raised > _askedRate.Value) raised = _askedRate.Value;
            if (raised <= LearnedRate.Value) return;
            LearnedRate = raised;
            Pacer.RaiseTo(raised);
        }

        // A 429 here only lowers the rate (BeforeSend probes it upward again).
        private void LearnLimit(DateTimeOffset refusedLeft, DateTimeOffset refusedAt)
        {
            // Sends that left in the second before the refused one, or while it was on its way (they may
            // have reached the service first and taken the window's last place).
            var taken = 0;
            foreach (var sent in _accepted)
                if (sent.Left <= refusedAt && refusedLeft - sent.Left < Second) taken++;
            if (taken == 0) return;
            // The first pause may come within a second of the first send: a handful taken then may be the
            // rest of a window another run filled, not the service's rate, so that teaches nothing.
            if (!LearnedRate.HasValue && taken < MinFirstLesson && refusedLeft - _firstSendAt < Second) return;
            // Refused again at the rate learned: the count may have caught one send more than the
            // service's window held (arrivals lag their start unevenly), so step down by one.
            if (LearnedRate.HasValue && taken >= LearnedRate.Value) taken = (int)Math.Max(1, LearnedRate.Value - 1);
            if (LearnedRate.HasValue && taken >= LearnedRate.Value) return;
            LearnedRate = taken;
            if (Pacer != null)
            {
                Pacer.LimitTo(taken);
                return;
            }
            // A new pacer: the sends the service took lately still fill its window (the pause it names is
            // in whole seconds and may end before they all leave it). It measures on its own (monotonic)
            // clock: each answer's age carries over, not its time.
            Pacer = new RatePacer(taken, _clock);
            var gateNow = _clock.UtcNow;
            var pacerNow = Pacer.Clock.UtcNow;
            Pacer.Seed(_accepted.Select(a => pacerNow - (gateNow - a.Answered)));
        }
    }
}

using System;

namespace Octopods.FlowControl
{
    /// <summary>
    /// What <see cref="SendGate.BeforeSendAsync"/> admitted: whether the attempt is a send, whether it
    /// holds a place in a restart, which pause it came after (so an answer to an attempt sent before a
    /// pause neither grows the restart nor counts as a new pause) and the pacer's number for it.
    /// </summary>
    internal readonly struct SendTicket
    {
        internal SendTicket(bool holding, int epoch, bool isSend = false, long paceSequence = 0, DateTimeOffset leftAt = default)
        {
            Holding = holding;
            Epoch = epoch;
            IsSend = isSend;
            PaceSequence = paceSequence;
            LeftAt = leftAt;
        }

        /// <summary>The attempt holds a place in the restart after a pause, to give back with <see cref="SendGate.AfterAttempt"/>.</summary>
        public bool Holding { get; }

        /// <summary>How many pauses had begun when the attempt was admitted.</summary>
        public int Epoch { get; }

        /// <summary>A send (paced, counted against the service's limit), not a read.</summary>
        public bool IsSend { get; }

        /// <summary>The pacer's number for the attempt (<see cref="RatePacer.Answered"/>), 0 when unpaced.</summary>
        public long PaceSequence { get; }

        /// <summary>When a send was let go (the gate's clock).</summary>
        public DateTimeOffset LeftAt { get; }
    }
}

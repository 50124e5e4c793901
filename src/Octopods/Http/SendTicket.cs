namespace Octopods.Http
{
    /// <summary>
    /// What <see cref="SendGate.BeforeSendAsync"/> admitted: whether the attempt holds a place in a
    /// restart, and which pause it came after, so an answer to an attempt sent before a pause neither
    /// grows the restart nor counts as a new pause.
    /// </summary>
    public readonly struct SendTicket
    {
        internal SendTicket(bool holding, int epoch)
        {
            Holding = holding;
            Epoch = epoch;
        }

        /// <summary>The attempt holds a place in the restart after a pause, to give back with <see cref="SendGate.AfterAttempt"/>.</summary>
        public bool Holding { get; }

        /// <summary>How many pauses had begun when the attempt was admitted.</summary>
        public int Epoch { get; }
    }
}

namespace Octopods.FlowControl
{
    /// <summary>
    /// Who is sending, handed explicitly from a bulk run through the channel API to the client: the
    /// run's attempt policy and the row's position in the input (paced turns go in input order).
    /// Null everywhere means a call on its own.
    /// </summary>
    internal sealed class SendContext
    {
        public SendContext(IAttemptPolicy policy, long order)
        {
            Policy = policy;
            Order = order;
        }

        public IAttemptPolicy Policy { get; }

        /// <summary>The row's position in the run's input (0 for the first).</summary>
        public long Order { get; }
    }
}

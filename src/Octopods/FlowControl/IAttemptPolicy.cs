using System.Threading;
using System.Threading.Tasks;

namespace Octopods.FlowControl
{
    /// <summary>
    /// The one seam between the transport and flow control: what a request does immediately before
    /// each attempt, and what a 429 means. <see cref="SoloAttemptPolicy"/> serves a single call (it
    /// sleeps out its own 429s); <see cref="RunAttemptPolicy"/> serves every send of a bulk run
    /// through the run's <see cref="SendGate"/>. The client calls, for each attempt:
    /// <see cref="BeforeAttemptAsync"/>, then <see cref="OnWire"/> as the body leaves, then
    /// <see cref="Answered"/> or <see cref="RateLimited"/>, and always <see cref="Ended"/>.
    /// </summary>
    internal interface IAttemptPolicy
    {
        /// <summary>
        /// "Send now": waits for the attempt's turn and returns it. Throws
        /// <see cref="SendStoppedException"/> (the run stopped meanwhile) or <c>RateLimitBlocked</c>
        /// (the run may not send until later); either way nothing was sent.
        /// </summary>
        Task<SendTicket> BeforeAttemptAsync(bool isSend, long? order, CancellationToken cancellationToken);

        /// <summary>The attempt's body is going onto the wire (only for a ticket with a pacer's number).</summary>
        void OnWire(SendTicket ticket);

        /// <summary>The service answered something other than 429.</summary>
        void Answered(SendTicket ticket);

        /// <summary>The service answered 429 (it took nothing): "retry after X", or "fail with this fix".</summary>
        AttemptVerdict RateLimited(SendTicket ticket, RateLimitAnswer answer);

        /// <summary>The attempt is over, whatever happened: its place in a restart is free again.</summary>
        void Ended(SendTicket ticket);
    }
}

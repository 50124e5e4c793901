using System.Threading;
using System.Threading.Tasks;

namespace Octopods.FlowControl
{
    /// <summary>
    /// Every attempt of one bulk run, through the run's <see cref="SendGate"/>: a 429 pauses the whole
    /// run (the next turn waits it out, so the call does not sleep itself), one budget of pauses
    /// serves the run, and a wait too long to sit out blocks the run's later sends.
    /// </summary>
    internal sealed class RunAttemptPolicy : IAttemptPolicy
    {
        /// <summary>How often one row may meet a 429 while other rows get through (the run's budget is the real limit).</summary>
        public const int AttemptsPerRow = 20;

        private readonly SendGate _gate;

        public RunAttemptPolicy(SendGate gate)
        {
            _gate = gate;
        }

        public Task<SendTicket> BeforeAttemptAsync(bool isSend, long? order, CancellationToken cancellationToken) =>
            _gate.BeforeSendAsync(isSend, order, cancellationToken);

        public void OnWire(SendTicket ticket) => _gate.OnWire(ticket);

        public void Answered(SendTicket ticket) => _gate.Answered(ticket);

        public AttemptVerdict RateLimited(SendTicket ticket, RateLimitAnswer answer)
        {
            var wait = answer.Wait(_gate.PausesInARow + 1);
            if (wait > answer.MaxWait)
            {
                // A daily quota, say: the run's remaining sends fail without a request until then.
                _gate.Block(wait);
                return AttemptVerdict.Fail(answer.TooLongFix(wait));
            }
            // Before the attempt's place is given back (Ended), so the next in a restart cannot leave into the same 429.
            var withinBudget = _gate.RateLimited(wait, ticket, answer.NamedTime);
            if (!withinBudget || answer.Attempt > AttemptsPerRow)
            {
                return AttemptVerdict.Fail(
                    $"The service kept refusing sends (HTTP 429) through {_gate.PauseBudget + 1} pauses in a row (or this row through {AttemptsPerRow} attempts); nothing was sent. " +
                    "Run the same command again later or more slowly (-RatePerSecond); with -JournalPath the rows already sent are skipped.");
            }
            return AttemptVerdict.RetryAfter(wait, sleep: System.TimeSpan.Zero);
        }

        public void Ended(SendTicket ticket) => _gate.AfterAttempt(ticket);
    }
}

using System;
using System.Threading;
using System.Threading.Tasks;

namespace Octopods.FlowControl
{
    /// <summary>
    /// A call on its own (a status read, a single send outside a run): no turn to wait for, and each
    /// 429 slept out by the call itself, up to the settings' retry cap and longest wait.
    /// </summary>
    internal sealed class SoloAttemptPolicy : IAttemptPolicy
    {
        public static readonly SoloAttemptPolicy Instance = new SoloAttemptPolicy();

        private SoloAttemptPolicy() { }

        public Task<SendTicket> BeforeAttemptAsync(bool isSend, long? order, CancellationToken cancellationToken) => Task.FromResult(default(SendTicket));

        public void OnWire(SendTicket ticket) { }

        public void Answered(SendTicket ticket) { }

        public AttemptVerdict RateLimited(SendTicket ticket, RateLimitAnswer answer)
        {
            var wait = answer.Wait(answer.Attempt);
            if (wait > answer.MaxWait) return AttemptVerdict.Fail(answer.TooLongFix(wait));
            if (answer.Attempt > answer.MaxRetries)
                return AttemptVerdict.Fail($"The service refused {answer.Attempt} attempts in a row; nothing was sent. Run again later or send more slowly.");
            return AttemptVerdict.RetryAfter(wait, sleep: wait);
        }

        public void Ended(SendTicket ticket) { }
    }
}

using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Octopods.FlowControl
{
    /// <summary>A send waiting for its turn at the <see cref="RatePacer"/>, ordered by its row's input position, then by arrival.</summary>
    internal sealed class PacerWaiter
    {
        public static readonly IComparer<PacerWaiter> ByOrder = Comparer<PacerWaiter>.Create((a, b) =>
            a.Order != b.Order ? a.Order.CompareTo(b.Order) : a.Arrival.CompareTo(b.Arrival));

        public PacerWaiter(long order, long arrival, CancellationToken token)
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

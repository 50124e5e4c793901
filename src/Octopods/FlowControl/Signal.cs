using System.Threading;
using System.Threading.Tasks;

namespace Octopods.FlowControl
{
    /// <summary>Waiting for a one-shot signal (a TaskCompletionSource's task) that a cancellation ends sooner.</summary>
    internal static class Signal
    {
        /// <summary>Completes when <paramref name="signal"/> does; throws when <paramref name="cancellationToken"/> is cancelled first.</summary>
        public static async Task WaitAsync(Task signal, CancellationToken cancellationToken)
        {
            await Task.WhenAny(signal, Task.Delay(Timeout.Infinite, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }
}

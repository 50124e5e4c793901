using System;
using System.Threading;
using System.Threading.Tasks;

namespace Octopods.Time
{
    /// <summary>The one source of "now" and of waiting, so tests and the sandbox can move time without sleeping.</summary>
    internal interface IClock
    {
        DateTimeOffset UtcNow { get; }
        Task Delay(TimeSpan delay, CancellationToken cancellationToken);
    }
}

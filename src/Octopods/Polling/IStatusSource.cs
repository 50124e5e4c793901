using System.Threading;
using System.Threading.Tasks;

namespace Octopods.Polling
{
    /// <summary>A channel whose messages can be followed to a final status (SMS and WhatsApp; VBM has no status endpoint).</summary>
    internal interface IStatusSource<TStatus> where TStatus : class
    {
        OctopodsChannel Channel { get; }

        Task<TStatus> GetStatusAsync(string messageId, CancellationToken cancellationToken);

        /// <summary>True when <paramref name="status"/> will not change any more.</summary>
        bool IsFinal(TStatus status);
    }
}

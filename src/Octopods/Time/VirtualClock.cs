using System;
using System.Threading;
using System.Threading.Tasks;

namespace Octopods.Time
{
    /// <summary>
    /// A clock whose time passes only when someone waits on it (or calls <see cref="Advance"/>):
    /// a wait returns at once after moving time forward. The sandbox runs on one, so -Wait and
    /// rate-limit pauses finish instantly while every timestamp stays consistent.
    /// </summary>
    internal sealed class VirtualClock : IClock
    {
        private readonly object _gate = new object();
        private DateTimeOffset _now;

        public VirtualClock(DateTimeOffset? start = null)
        {
            _now = (start ?? new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero)).ToUniversalTime();
        }

        public DateTimeOffset UtcNow { get { lock (_gate) return _now; } }

        public void Advance(TimeSpan by)
        {
            if (by < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(by), "Time only moves forward.");
            lock (_gate) _now += by;
        }

        public Task Delay(TimeSpan delay, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (delay > TimeSpan.Zero) Advance(delay);
            return Task.CompletedTask;
        }
    }
}

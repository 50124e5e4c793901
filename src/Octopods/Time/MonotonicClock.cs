using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace Octopods.Time
{
    /// <summary>
    /// The wall clock's reading at start-up moved on by a <see cref="Stopwatch"/>: fine-grained (the
    /// wall clock ticks every 15.6 ms on .NET Framework) and monotonic (it does not step when the
    /// system time is set). For measuring short spans, such as the pacer's one-second windows.
    /// </summary>
    internal sealed class MonotonicClock : IClock
    {
        public static readonly MonotonicClock Instance = new MonotonicClock();
        private readonly DateTimeOffset _origin = DateTimeOffset.UtcNow;
        private readonly Stopwatch _watch = Stopwatch.StartNew();

        public DateTimeOffset UtcNow => _origin + _watch.Elapsed;

        public Task Delay(TimeSpan delay, CancellationToken cancellationToken) =>
            delay <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(delay, cancellationToken);
    }
}

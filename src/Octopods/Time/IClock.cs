using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace Octopods.Time
{
    /// <summary>The one source of "now" and of waiting, so tests and the sandbox can move time without sleeping.</summary>
    public interface IClock
    {
        DateTimeOffset UtcNow { get; }
        Task Delay(TimeSpan delay, CancellationToken cancellationToken);
    }

    public sealed class SystemClock : IClock
    {
        public static readonly SystemClock Instance = new SystemClock();
        public DateTimeOffset UtcNow => DateTimeOffset.UtcNow;
        public Task Delay(TimeSpan delay, CancellationToken cancellationToken) =>
            delay <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(delay, cancellationToken);
    }

    /// <summary>
    /// The wall clock's reading at start-up moved on by a <see cref="Stopwatch"/>: fine-grained (the
    /// wall clock ticks every 15.6 ms on .NET Framework) and monotonic (it does not step when the
    /// system time is set). For measuring short spans, such as the pacer's one-second windows.
    /// </summary>
    public sealed class MonotonicClock : IClock
    {
        public static readonly MonotonicClock Instance = new MonotonicClock();
        private readonly DateTimeOffset _origin = DateTimeOffset.UtcNow;
        private readonly Stopwatch _watch = Stopwatch.StartNew();

        public DateTimeOffset UtcNow => _origin + _watch.Elapsed;

        public Task Delay(TimeSpan delay, CancellationToken cancellationToken) =>
            delay <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(delay, cancellationToken);
    }

    /// <summary>
    /// A clock whose time passes only when someone waits on it (or calls <see cref="Advance"/>):
    /// a wait returns at once after moving time forward. The sandbox runs on one, so -Wait and
    /// rate-limit pauses finish instantly while every timestamp stays consistent.
    /// </summary>
    public sealed class VirtualClock : IClock
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

using System;
using System.Collections.Generic;
using System.Globalization;

namespace Octopods.TestServer
{
    /// <summary>
    /// A service-side limit of N sends in any sliding second, as a provider enforces it: a send beyond
    /// it is refused with 429 and the documented "Please try after &lt;UTC time&gt;" in whole seconds,
    /// rounded up to when the window frees. Refused sends do not count against the window.
    /// </summary>
    public sealed class SendRateLimit
    {
        private readonly object _lock = new object();
        private readonly Queue<DateTimeOffset> _taken = new Queue<DateTimeOffset>();

        public SendRateLimit(int perSecond)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(perSecond, 1);
            PerSecond = perSecond;
        }

        public int PerSecond { get; }

        /// <summary>Sends taken and refused so far.</summary>
        public int Taken { get { lock (_lock) return _takenTotal; } }
        public int Refused { get { lock (_lock) return _refused; } }
        private int _takenTotal;
        private int _refused;

        /// <summary>Null when a send arriving <paramref name="now"/> is taken; else the 429 message to answer.</summary>
        public string? Check(DateTimeOffset now)
        {
            lock (_lock)
            {
                while (_taken.Count > 0 && now - _taken.Peek() >= TimeSpan.FromSeconds(1)) _taken.Dequeue();
                if (_taken.Count < PerSecond)
                {
                    _taken.Enqueue(now);
                    _takenTotal++;
                    return null;
                }
                _refused++;
                var free = _taken.Peek().AddSeconds(1);
                var whole = new DateTimeOffset(free.Year, free.Month, free.Day, free.Hour, free.Minute, free.Second, TimeSpan.Zero);
                if (whole < free) whole = whole.AddSeconds(1);
                return "You have fired too many requests. Please try after " +
                       whole.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC.";
            }
        }
    }
}

using System;

namespace Octopods.Polling
{
    internal sealed class PollOptions
    {
        /// <summary>The wait before the first poll (a new message is still queued) and the first interval.</summary>
        public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(2);
        /// <summary>Each round waits this much longer than the last, up to <see cref="MaxInterval"/>.</summary>
        public double Backoff { get; set; } = 1.5;
        public TimeSpan MaxInterval { get; set; } = TimeSpan.FromSeconds(30);
        public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(5);
        /// <summary>Poll once before the first wait (for ids that may be long settled).</summary>
        public bool PollFirst { get; set; }
        /// <summary>How many ids one round polls at once.</summary>
        public int Concurrency { get; set; } = 1;
    }
}

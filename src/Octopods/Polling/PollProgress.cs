using System;

namespace Octopods.Polling
{
    internal sealed class PollProgress
    {
        public int Total { get; internal set; }
        public int Settled { get; internal set; }
        public TimeSpan Elapsed { get; internal set; }
        public TimeSpan Timeout { get; internal set; }
        public TimeSpan NextPollIn { get; internal set; }
    }
}

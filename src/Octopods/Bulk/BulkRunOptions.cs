using System;
using Octopods.Time;

namespace Octopods.Bulk
{
    /// <summary>What a send command asks of its <see cref="BulkRun{TRequest, TResult}"/>.</summary>
    internal sealed class BulkRunOptions
    {
        /// <summary>Requests in flight at once; 1 keeps strict sequence.</summary>
        public int ThrottleLimit { get; init; } = BulkOptions.DefaultThrottleLimit;

        /// <summary>At most this many sends per second; 0 for no pacing (until a 429 teaches the run a rate).</summary>
        public double RatePerSecond { get; init; }

        /// <summary>The journal's full path, or null for none.</summary>
        public string? JournalPath { get; init; }

        /// <summary>Stop at the first row that fails (-ErrorAction Stop): no row after it starts.</summary>
        public bool StopOnFailure { get; init; }

        /// <summary>Send a row that repeats an earlier one of the run (-AllowDuplicate).</summary>
        public bool AllowDuplicates { get; init; }

        /// <summary>Send rows whose journal outcome is unknown again.</summary>
        public bool ResendUnknown { get; init; }

        /// <summary>Where the run sends (recorded in the journal, and compared with what it recorded before).</summary>
        public JournalTarget? Target { get; init; }

        /// <summary>-AcceptJournalTarget: the journal's rows reached this target too.</summary>
        public bool AcceptOtherTarget { get; init; }

        /// <summary>How the run names its rows (recorded in the journal; a journal named another way is refused).</summary>
        public RowRule? RowRule { get; init; }

        /// <summary>The connection's clock: the sandbox's virtual one, or the system's.</summary>
        public IClock Clock { get; init; } = SystemClock.Instance;
    }
}

using System;
using System.Collections.Generic;

namespace Octopods.Bulk
{
    /// <summary>What a journal says besides its rows: its secret, the latest run's target, and the runs that stopped themselves.</summary>
    internal sealed class JournalFacts
    {
        /// <summary>The header's secret that keys row names; null in a journal from before secrets.</summary>
        public byte[]? RowSecret { get; set; }

        /// <summary>The target of the latest run record that names one; null when none does.</summary>
        public RecordedTarget? Target { get; set; }

        /// <summary>Runs that stopped themselves (an outage): when, and why in words.</summary>
        public List<(DateTimeOffset? At, string Message)> Stops { get; } = new List<(DateTimeOffset?, string)>();
    }
}

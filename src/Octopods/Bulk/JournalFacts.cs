using System;
using System.Collections.Generic;

namespace Octopods.Bulk
{
    /// <summary>What a journal says besides its rows: its secret and naming, the runs' rules, the latest run's target, and the runs that stopped themselves.</summary>
    internal sealed class JournalFacts
    {
        /// <summary>The header's secret that keys row names; null in a journal from before secrets.</summary>
        public byte[]? RowSecret { get; set; }

        /// <summary>How the header says row content is named: 1, as given; 2, as a reader compares it.</summary>
        public int RowNames { get; set; } = 1;

        /// <summary>The rules (<see cref="RowRule"/>) of the runs that wrote rows or resumed some; empty when none was recorded.</summary>
        public List<RowRule> RowRules { get; } = new List<RowRule>();

        /// <summary>The target of the latest run record that names one; null when none does.</summary>
        public RecordedTarget? Target { get; set; }

        /// <summary>Runs that stopped themselves (an outage): when, and why in words.</summary>
        public List<(DateTimeOffset? At, string Message)> Stops { get; } = new List<(DateTimeOffset?, string)>();
    }
}

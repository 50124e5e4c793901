using System;
using System.Collections.Generic;
using System.Linq;

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

        /// <summary>
        /// Rows that were never sent (refused, duplicate, not attempted), in journal order: they name no
        /// message, so they are kept by input row, not by row name, and never change what a resume sends.
        /// </summary>
        public List<JournalEntry> Unsent { get; } = new List<JournalEntry>();

        /// <summary>Whether to keep <see cref="Unsent"/> and <see cref="LatestOfInput"/>: the report needs them, a resume does not (a long stopped run leaves many).</summary>
        public bool CollectUnsent { get; set; }

        /// <summary>
        /// For each input row number, the latest run that recorded anything for it, and the tracked values
        /// it recorded (null: none): a later run's record of the same row replaces an earlier run's "not sent".
        /// </summary>
        public Dictionary<long, (int Run, string? Tracking)> LatestOfInput { get; } = new Dictionary<long, (int, string?)>();

        /// <summary>Tracked values as one comparable text; null when there are none.</summary>
        public static string? TrackingText(IReadOnlyList<KeyValuePair<string, string?>>? tracking) =>
            tracking == null || tracking.Count == 0 ? null : string.Join("\u001f", tracking.Select(t => t.Key + "=" + t.Value));
    }
}

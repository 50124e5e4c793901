using System;
using System.Collections.Generic;
using System.Linq;

namespace Octopods.Bulk
{
    /// <summary>
    /// Where a row of a bulk run came from, so its result, error, journal lines and report row can be
    /// joined back to the input: its position (1 for the first row piped in) and the values of the
    /// user's own columns named by -TrackingProperty.
    /// </summary>
    internal sealed class RowOrigin
    {
        private static readonly IReadOnlyList<KeyValuePair<string, string?>> NoTracking = Array.Empty<KeyValuePair<string, string?>>();

        /// <summary>A typed command's one row: it has no position in an input.</summary>
        public static readonly RowOrigin None = new RowOrigin(null, null);

        public RowOrigin(long? number, IReadOnlyList<KeyValuePair<string, string?>>? tracking)
        {
            Number = number;
            Tracking = tracking ?? NoTracking;
        }

        /// <summary>The row's position in the input (1, 2, …); null for a typed command.</summary>
        public long? Number { get; }

        /// <summary>The tracked columns' values, in the order -TrackingProperty names them.</summary>
        public IReadOnlyList<KeyValuePair<string, string?>> Tracking { get; }

        /// <summary>"Row 3 (CustomerId C-17)": how a message names the row; empty for a typed command.</summary>
        public string Describe()
        {
            if (Number == null && Tracking.Count == 0) return "";
            var text = Number.HasValue ? $"Row {Number.Value}" : "The row";
            if (Tracking.Count > 0) text += " (" + string.Join(", ", Tracking.Select(t => $"{t.Key} {t.Value}")) + ")";
            return text;
        }
    }
}

using System;

namespace Octopods.Bulk
{
    /// <summary>The last word of the journal on one row.</summary>
    internal sealed class JournalEntry
    {
        public string RowId { get; internal set; } = "";
        public JournalState State { get; internal set; }
        public string? MessageId { get; internal set; }
        public string? RequestId { get; internal set; }
        public string? Status { get; internal set; }
        public string? Destination { get; internal set; }
        public string? ChannelMessageId { get; internal set; }
        public string? Error { get; internal set; }
        /// <summary>The error's text, with <see cref="Error"/> its name.</summary>
        public string? Message { get; internal set; }
        /// <summary>The channel its intent named (null only for a journal without intents).</summary>
        public OctopodsChannel? Channel { get; internal set; }
        /// <summary>Where the row first appears in the journal (0, 1, …): a report lists rows in this order.</summary>
        public int Order { get; internal set; }
        public DateTimeOffset? At { get; internal set; }
        /// <summary>The row's position in its run's input (null for a typed command, or a journal from before positions).</summary>
        public long? InputRow { get; internal set; }
        /// <summary>The -TrackingProperty values its intent recorded.</summary>
        public System.Collections.Generic.IReadOnlyList<System.Collections.Generic.KeyValuePair<string, string?>>? Tracking { get; internal set; }
        /// <summary>Which run of the journal (0, 1, …) recorded it last.</summary>
        public int Run { get; internal set; }
    }
}

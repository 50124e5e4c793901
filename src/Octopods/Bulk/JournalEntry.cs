using System;

namespace Octopods.Bulk
{
    /// <summary>The last word of the journal on one row.</summary>
    public sealed class JournalEntry
    {
        public string RowId { get; internal set; } = "";
        public JournalState State { get; internal set; }
        public string? MessageId { get; internal set; }
        public string? RequestId { get; internal set; }
        public string? Status { get; internal set; }
        public string? Destination { get; internal set; }
        public string? ChannelMessageId { get; internal set; }
        public string? Error { get; internal set; }
        public DateTimeOffset? At { get; internal set; }
    }
}

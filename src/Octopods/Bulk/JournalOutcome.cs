namespace Octopods.Bulk
{
    /// <summary>What the service said about one send, as the journal keeps it.</summary>
    internal sealed class JournalOutcome
    {
        public string? MessageId { get; set; }
        public string? RequestId { get; set; }
        public string? Status { get; set; }
        public string? Destination { get; set; }
        public string? ChannelMessageId { get; set; }
    }
}

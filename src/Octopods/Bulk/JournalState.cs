namespace Octopods.Bulk
{
    /// <summary>What a journal says about one row after reading it.</summary>
    public enum JournalState
    {
        /// <summary>The service accepted it: never send again.</summary>
        Accepted,
        /// <summary>Refused before acceptance (validation, 4xx, 429 cap, connection refused): safe to send again.</summary>
        Failed,
        /// <summary>An intent without an outcome, or an ambiguous outcome: it may have gone out.</summary>
        Unknown,
    }
}

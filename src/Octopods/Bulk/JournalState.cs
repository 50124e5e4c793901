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
        /// <summary>Refused before it was sent (a bad number, a missing variable): it never reached the service.</summary>
        Refused,
        /// <summary>Not sent: it repeats an earlier row of its run (the same message to the same number).</summary>
        Duplicate,
        /// <summary>Not sent: the run stopped before it started (Ctrl+C, -ErrorAction Stop, an outage); a resume sends it.</summary>
        NotAttempted,
        /// <summary>Not sent: the recipient is on the opt-out list (Add-OctopodsOptOut) for this channel.</summary>
        OptedOut,
    }
}

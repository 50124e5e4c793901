namespace Octopods.Bulk
{
    /// <summary>How one row ended.</summary>
    internal enum BulkRowKind
    {
        /// <summary>Accepted by the service in this run.</summary>
        Sent,
        /// <summary>Accepted in an earlier run, per the journal; not sent again.</summary>
        FromJournal,
        /// <summary>Certainly not accepted (bad input, refused, rate-limit cap, no connection).</summary>
        Failed,
        /// <summary>May or may not have been accepted; not sent again.</summary>
        Unknown,
        /// <summary>Not sent: it repeats an earlier row of the run (the same content to the same number), which was sent once.</summary>
        Duplicate,
        /// <summary>Not sent: the run stopped first (before its first attempt, or while it waited to retry after a 429).</summary>
        NotAttempted,
    }
}

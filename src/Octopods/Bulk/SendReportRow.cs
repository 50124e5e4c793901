using System;

namespace Octopods.Bulk
{
    /// <summary>
    /// One row of a bulk run as its journal last recorded it, and (after a refresh) where its message
    /// is now: what Get-OctopodsSendReport writes. Flat, so it exports to CSV as it is.
    /// </summary>
    public sealed class SendReportRow
    {
        /// <summary>The row's position in its run's input (1 for the first row piped in): join the report back to the CSV by it. Empty for a typed command.</summary>
        public long? InputRow { get; set; }
        /// <summary>The journal's name for the row (a hash of channel, destination and content, or of its idempotency key).</summary>
        public string RowKey { get; set; } = "";
        public OctopodsChannel? Channel { get; set; }
        public string? Destination { get; set; }
        public string? MessageId { get; set; }
        /// <summary>Accepted (the service took it), Failed (it certainly did not), Unknown (it may have gone out), Refused (never sent: bad input), Duplicate (never sent: it repeats an earlier row), NotAttempted (never sent: the run stopped first) or OptedOut (never sent: the number is on the opt-out list).</summary>
        public JournalState Outcome { get; set; }
        /// <summary>Why a row failed or is unknown: the error's name (Octopods.PhoneInvalid, …).</summary>
        public string? Reason { get; set; }
        /// <summary>The error's text, with its fix.</summary>
        public string? ReasonMessage { get; set; }
        /// <summary>When the journal recorded the outcome (for an unknown row without one, its intent).</summary>
        public DateTimeOffset? RecordedAt { get; set; }
        public string? RequestId { get; set; }

        // From the channel's status endpoint (-Refresh); empty otherwise.
        public string? Status { get; set; }
        public string? StatusMessage { get; set; }
        public string? FailureReason { get; set; }
        public DateTimeOffset? SentAt { get; set; }
        public DateTimeOffset? DeliveredAt { get; set; }
        public DateTimeOffset? ReadAt { get; set; }
        public DateTimeOffset? LastUpdated { get; set; }

        /// <summary>What the report could not say, and why (no status endpoint, no message id, a failed status read).</summary>
        public string? Note { get; set; }

        /// <summary>Where the journal's runs sent: "sandbox", or the service's address (the latest run's, as recorded); empty for a journal written before targets were recorded.</summary>
        public string? Target { get; set; }

        /// <summary>The -TrackingProperty values the run recorded for the row (the command adds each as a property of its own).</summary>
        internal System.Collections.Generic.IReadOnlyList<System.Collections.Generic.KeyValuePair<string, string?>>? Tracking { get; set; }

        public override string ToString() => $"{RowKey}: {Outcome}{(Status != null ? " " + Status : "")}";
    }
}

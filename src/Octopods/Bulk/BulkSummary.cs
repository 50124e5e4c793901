using System;

namespace Octopods.Bulk
{
    /// <summary>The end-of-run counts a bulk send writes to the information stream (and, when stopped, as a warning).</summary>
    public sealed class BulkSummary
    {
        public string Command { get; set; } = "";
        public int Rows { get; set; }
        public int Sent { get; set; }
        public int Failed { get; set; }
        public int FromJournal { get; set; }
        public int Unknown { get; set; }
        public int NotAttempted { get; set; }
        /// <summary>Rows never read from the pipeline because the run stopped (known only with -TotalCount).</summary>
        public long? NotRead { get; set; }
        public int RateLimitPauses { get; set; }
        /// <summary>The rate the service's 429s showed, which the run kept to from then on (null when none did).</summary>
        public double? LearnedRatePerSecond { get; set; }
        public TimeSpan Elapsed { get; set; }
        public bool Stopped { get; set; }
        /// <summary>Why the run stopped by itself (the service kept failing, the process was asked to end); null after Ctrl+C or when it did not stop.</summary>
        public string? StopReason { get; set; }
        public string? JournalPath { get; set; }
        /// <summary>Rows not sent because they repeat an earlier row of the run (without -AllowDuplicate).</summary>
        public int Duplicates { get; set; }
        /// <summary>Rows whose outcome the journal could not record (a full disk, say): a resume reports them as unknown and does not send them.</summary>
        public int NotJournaled { get; set; }
        public double RatePerSecond => Elapsed.TotalSeconds > 0 ? Sent / Elapsed.TotalSeconds : 0;

        public override string ToString()
        {
            var text = $"{Command}: {(Stopped ? "stopped after " : "")}{Rows} row(s): {Sent} sent, {Failed} failed, {FromJournal} from the journal, {Unknown} unknown";
            if (StopReason != null) text = $"{Command}: stopped because {StopReason}, after {Rows} row(s): {Sent} sent, {Failed} failed, {FromJournal} from the journal, {Unknown} unknown";
            if (Stopped || NotAttempted > 0) text += $", {NotAttempted} not attempted";
            if (Duplicates > 0) text += $", {Duplicates} repeated row(s) not sent again";
            if (NotRead.HasValue && NotRead.Value > 0) text += $" (and {NotRead.Value} row(s) not read)";
            text += $", in {Elapsed.TotalSeconds:0.0} s ({RatePerSecond:0.#} sent/s)";
            if (RateLimitPauses > 0) text += $"; {RateLimitPauses} rate-limit pause(s)";
            if (LearnedRatePerSecond.HasValue) text += $", then paced to the {LearnedRatePerSecond.Value:0.#}/s the service took (give -RatePerSecond to start there)";
            if (Unknown > 0) text += ". Unknown rows may have gone out and were not sent again: check them, then run again with -ResendUnknown to send them anyway";
            if (NotJournaled > 0)
                text += $". The journal could not record the outcome of {NotJournaled} row(s): a resume reports them as unknown and does not send them; the results written here say what became of them";
            if (JournalPath != null && (Stopped || Failed > 0 || Unknown > 0 || NotAttempted > 0))
                text += $". Run the same command with -JournalPath '{JournalPath}' to resume: accepted rows are skipped";
            return text + ".";
        }
    }
}

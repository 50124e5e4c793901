using System.Threading;

namespace Octopods.Bulk
{
    internal sealed class BulkCounters
    {
        internal int SubmittedCount, SentCount, FromJournalCount, FailedCount, UnknownCount, NotAttemptedCount, UnjournaledCount, DuplicateCount;
        public int Submitted => Volatile.Read(ref SubmittedCount);
        public int Sent => Volatile.Read(ref SentCount);
        public int FromJournal => Volatile.Read(ref FromJournalCount);
        public int Failed => Volatile.Read(ref FailedCount);
        public int Unknown => Volatile.Read(ref UnknownCount);
        public int NotAttempted => Volatile.Read(ref NotAttemptedCount);
        public int Duplicates => Volatile.Read(ref DuplicateCount);
        /// <summary>Rows whose outcome the journal could not record (a full disk): a resume reads them as unknown.</summary>
        public int Unjournaled => Volatile.Read(ref UnjournaledCount);
        public int Done => Sent + FromJournal + Failed + Unknown + NotAttempted + Duplicates;
        public int Errors => Failed + Unknown;

        public override string ToString() =>
            $"{Sent} sent, {Failed} failed, {FromJournal} from the journal, {Unknown} unknown, {NotAttempted} not attempted";
    }
}

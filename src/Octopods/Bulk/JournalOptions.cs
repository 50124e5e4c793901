using System;
using System.IO;
using Octopods.Time;

namespace Octopods.Bulk
{
    /// <summary>What a <see cref="SendJournal"/> depends on besides its file: the clock of its timestamps, the run's target, and how a batch reaches the file.</summary>
    internal sealed class JournalOptions
    {
        public IClock Clock { get; init; } = SystemClock.Instance;

        /// <summary>Where this run sends; recorded in its run record, and compared with the target an earlier run recorded. Null: not recorded or compared.</summary>
        public JournalTarget? Target { get; init; }

        /// <summary>The user says the journal's rows reached this target too (-AcceptJournalTarget): no comparison.</summary>
        public bool AcceptOtherTarget { get; init; }

        /// <summary>How this run names its rows; recorded, and compared with the rule of the journal's earlier runs. Null: neither.</summary>
        public RowRule? RowRule { get; init; }

        /// <summary>Writes one batch of records to the file (before its fsync); tests tear or slow it here.</summary>
        public Action<Stream, byte[], int> WriteBatch { get; init; } = (file, buffer, count) => file.Write(buffer, 0, count);
    }
}

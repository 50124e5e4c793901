using System;
using System.IO;
using Octopods.Time;

namespace Octopods.Bulk
{
    /// <summary>What a <see cref="SendJournal"/> depends on besides its file: the clock of its timestamps, and how a batch reaches the file.</summary>
    internal sealed class JournalOptions
    {
        public IClock Clock { get; init; } = SystemClock.Instance;

        /// <summary>Writes one batch of records to the file (before its fsync); tests tear or slow it here.</summary>
        public Action<Stream, byte[], int> WriteBatch { get; init; } = (file, buffer, count) => file.Write(buffer, 0, count);
    }
}

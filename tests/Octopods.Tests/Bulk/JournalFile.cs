using System.Collections.Generic;
using System.IO;
using Octopods.Bulk;

namespace Octopods.Tests.Bulk
{
    /// <summary>A journal read as a resumed run reads it (<see cref="SendJournal.Read"/>), without opening it for writing.</summary>
    internal static class JournalFile
    {
        public static IReadOnlyDictionary<string, JournalEntry> Read(string path, out int skippedLines)
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            var (entries, skipped, _, _, _) = SendJournal.Read(stream);
            skippedLines = skipped;
            return entries;
        }
    }
}

using System;
using System.Text;
using System.Text.RegularExpressions;
using Octopods.Bulk;

namespace Octopods.Tests.Bulk
{
    /// <summary>Journal options whose writes let a test act the moment intents reach the file.</summary>
    internal static class JournalWrites
    {
        /// <summary>Writes each batch, then calls <paramref name="written"/> with the number of intents it held (when any).</summary>
        public static JournalOptions OnIntent(Action<int> written) => new JournalOptions
        {
            WriteBatch = (file, buffer, count) =>
            {
                file.Write(buffer, 0, count);
                var intents = Regex.Count(Encoding.UTF8.GetString(buffer, 0, count), "\"type\":\"intent\"");
                if (intents > 0) written(intents);
            },
        };
    }
}

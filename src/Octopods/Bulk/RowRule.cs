using System;
using System.Text.RegularExpressions;

namespace Octopods.Bulk
{
    /// <summary>
    /// How a run of piped rows names them in the journal: by their content, or by an idempotency key
    /// from a column or from a script block. Each run record keeps it, because rows
    /// named one way are not found when looked for another way: a resume under another rule would
    /// take every row for new and send it again, so the journal refuses it.
    /// </summary>
    internal sealed class RowRule
    {
        private const string ContentToken = "content", ColumnPrefix = "column:", ScriptPrefix = "script:";
        private const int LongestScript = 400;

        private RowRule(string token) => Token = token;

        /// <summary>As the journal records it.</summary>
        public string Token { get; }

        /// <summary>No key: channel, number and content name the row.</summary>
        public static RowRule Content { get; } = new RowRule(ContentToken);

        /// <summary>Each row's key is its column <paramref name="name"/>.</summary>
        public static RowRule Column(string name) => new RowRule(ColumnPrefix + name.Trim());

        /// <summary>Each row's key is what the script block returns for it (its text, with runs of white space as one space).</summary>
        public static RowRule Script(string text)
        {
            var flat = Regex.Replace(text ?? "", @"\s+", " ").Trim();
            return new RowRule(ScriptPrefix + (flat.Length > LongestScript ? flat.Substring(0, LongestScript) : flat));
        }

        /// <summary>A recorded rule; null for none (a journal from before rules were recorded).</summary>
        public static RowRule? Parse(string? token) => string.IsNullOrWhiteSpace(token) ? null : new RowRule(token!);

        /// <summary>The same rule (a column's name, like PowerShell's, in any case).</summary>
        public bool SameAs(RowRule other) => string.Equals(Token, other.Token, StringComparison.OrdinalIgnoreCase);

        /// <summary>What names the rows, in words: "their content (no -IdempotencyKey)", "-IdempotencyKey OrderId"…</summary>
        public string Describe() =>
            Token == ContentToken ? "their content (no -IdempotencyKey)"
            : Token.StartsWith(ColumnPrefix, StringComparison.Ordinal) ? "-IdempotencyKey " + Token.Substring(ColumnPrefix.Length) + " (a column)"
            : Token.StartsWith(ScriptPrefix, StringComparison.Ordinal) ? "-IdempotencyKey { " + Token.Substring(ScriptPrefix.Length) + " }"
            : Token;

        public override string ToString() => Token;
    }
}

using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Octopods.Bulk;
using Octopods.Errors;

namespace Octopods.PowerShell.Infrastructure
{
    /// <summary>
    /// Each row's idempotency key, and the rule it comes by (recorded in the journal, so a resume
    /// under another rule is refused rather than sending every row again). -IdempotencyKey is, for
    /// piped rows, the name of a column or a script block over $_; for a typed command, the key
    /// itself. Without it, a row's IdempotencyKey (or idempotency_key) column is its key.
    /// </summary>
    internal sealed class IdempotencyKeys
    {
        private static readonly string[] KeyColumns = { "IdempotencyKey", "idempotency_key" };

        private readonly ScriptBlock? _script;
        private readonly string? _text;
        private readonly bool _piped;
        private RowRule? _rule;

        private IdempotencyKeys(ScriptBlock? script, string? text, bool piped)
        {
            _script = script;
            _text = text;
            _piped = piped;
        }

        /// <summary>From -IdempotencyKey as bound (null: not given) and whether rows are piped in.</summary>
        public static IdempotencyKeys From(object? parameter, bool piped)
        {
            var value = parameter is PSObject ps ? ps.BaseObject : parameter;
            if (value is ScriptBlock script) return new IdempotencyKeys(script, null, piped);
            var text = value == null ? null : LanguagePrimitives.ConvertTo<string>(value);
            return new IdempotencyKeys(null, string.IsNullOrWhiteSpace(text) ? null : text!.Trim(), piped);
        }

        /// <summary>
        /// The run's rule, decided by the first row (a CSV's rows share their columns): a resume of the
        /// same input has the same rule. Null for a typed command: it sends one message, which the same
        /// command typed again names the same way, and a loop of typed commands may give a key to some
        /// and not to others without any two names meeting.
        /// </summary>
        public RowRule? RuleFor(PSObject? firstRow)
        {
            if (!_piped) return null;
            if (_rule != null) return _rule;
            if (_script != null) _rule = RowRule.Script(_script.ToString());
            else if (_text != null) _rule = RowRule.Column(_text);
            else
            {
                var column = firstRow == null ? null : KeyColumns.FirstOrDefault(c => PowerShellValues.Property(firstRow, c) != null);
                _rule = column == null ? RowRule.Content : RowRule.Column(column);
            }
            return _rule;
        }

        /// <summary>
        /// The error for a first row that lacks the column -IdempotencyKey names: no row could have a
        /// key, so the command stops before any is sent. Null when the column is there.
        /// </summary>
        public OctopodsException? MissingColumn(PSObject? row)
        {
            if (_script != null || _text == null || !_piped || row == null || PowerShellValues.Property(row, _text) != null) return null;
            var columns = string.Join(", ", PowerShellValues.PropertyNames(row));
            return new OctopodsException(ErrorNames.IdempotencyKeyInvalid, OctopodsErrorKind.InvalidArgument,
                $"The rows have no column '{_text}' for -IdempotencyKey (their columns: {columns}); nothing was sent",
                "Name one of the rows' columns, or compute the key with a script block, such as -IdempotencyKey { $_.OrderId }.");
        }

        /// <summary>The row's key; null or blank when the row names itself by its content. Throws for a key that cannot be had.</summary>
        public string? KeyOf(PSObject? row)
        {
            RuleFor(row);
            if (_script != null) return Run(_script, row);
            if (_text != null)
            {
                if (!_piped || row == null) return _text;
                return PowerShellValues.Property(row, _text) ?? throw new OctopodsException(ErrorNames.IdempotencyKeyInvalid, OctopodsErrorKind.InvalidArgument,
                    $"The row has no column '{_text}' for -IdempotencyKey; it was not sent", "Give every row that column, or send rows without it in a run of their own.");
            }
            // Without the parameter, each row's own key column (input may mix rows with and without one).
            return row == null ? null : KeyColumns.Select(c => PowerShellValues.Property(row, c)).FirstOrDefault(k => !string.IsNullOrWhiteSpace(k));
        }

        private static string? Run(ScriptBlock script, PSObject? row)
        {
            IList<PSObject> values;
            try
            {
                values = script.InvokeWithContext(null, new List<PSVariable> { new PSVariable("_", row) });
            }
            catch (RuntimeException ex) when (!(ex is PipelineStoppedException))
            {
                throw new OctopodsException(ErrorNames.IdempotencyKeyInvalid, OctopodsErrorKind.InvalidArgument,
                    $"-IdempotencyKey {{{script}}} failed for this row: {ex.Message}; it was not sent", "Fix the script block, or the row it failed on.", ex);
            }
            var keys = values.Where(v => v != null).ToList();
            if (keys.Count > 1)
                throw new OctopodsException(ErrorNames.IdempotencyKeyInvalid, OctopodsErrorKind.InvalidArgument,
                    $"-IdempotencyKey {{{script}}} returned {keys.Count} values for this row; it was not sent", "Return one key per row, such as $_.OrderId.");
            return keys.Count == 0 ? null : LanguagePrimitives.ConvertTo<string>(keys[0]);
        }
    }
}

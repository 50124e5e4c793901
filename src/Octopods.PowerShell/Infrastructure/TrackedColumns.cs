using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Octopods.Bulk;
using Octopods.Errors;

namespace Octopods.PowerShell.Infrastructure
{
    /// <summary>
    /// -TrackingProperty: the user's own columns (CustomerId, …) carried from each piped row to its
    /// result, its error, its journal lines and the send report, so all of them join back to the CSV.
    /// Each row also gets its position in the input (<see cref="RowOrigin.Number"/>).
    /// </summary>
    internal sealed class TrackedColumns
    {
        private readonly string[] _names;
        private readonly bool _piped;
        private long _rows;

        public TrackedColumns(string[]? names, bool piped)
        {
            _names = (names ?? Array.Empty<string>()).Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n.Trim())
                .Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
            _piped = piped;
        }

        /// <summary>
        /// What makes the parameter unusable for every row, found before any row is read: a typed
        /// command has no columns, and a name the result already has would hide one of them.
        /// </summary>
        public OctopodsException? Problem(Type resultType)
        {
            if (_names.Length == 0) return null;
            if (!_piped)
                return new OctopodsException(ErrorNames.TrackingPropertyInvalid, OctopodsErrorKind.InvalidArgument,
                    "-TrackingProperty names columns of piped rows, and this command was given no rows from the pipeline; nothing was sent",
                    "Pipe the rows in (Import-Csv .\\customers.csv | Send-OctopodsSms -TrackingProperty CustomerId), or leave -TrackingProperty out.");
            var taken = resultType.GetProperties().Select(p => p.Name).Concat(typeof(SendReportRow).GetProperties().Select(p => p.Name))
                .FirstOrDefault(n => _names.Contains(n, StringComparer.OrdinalIgnoreCase));
            if (taken == null) return null;
            return new OctopodsException(ErrorNames.TrackingPropertyInvalid, OctopodsErrorKind.InvalidArgument,
                $"-TrackingProperty {taken} would hide the results' own {taken} property; nothing was sent",
                $"Rename that column (Select-Object @{{ Name = 'My{taken}'; Expression = {{ $_.{taken} }} }}, *) and track the new name.");
        }

        /// <summary>The error for a first row that lacks a tracked column: no row could carry it, so the command stops. Null when all are there.</summary>
        public OctopodsException? MissingColumn(PSObject? row)
        {
            if (row == null || _names.Length == 0) return null;
            var missing = _names.Where(n => PowerShellValues.Property(row, n) == null).ToList();
            if (missing.Count == 0) return null;
            return new OctopodsException(ErrorNames.TrackingPropertyInvalid, OctopodsErrorKind.InvalidArgument,
                $"The rows have no column {string.Join(", ", missing.Select(m => $"'{m}'"))} for -TrackingProperty (their columns: {string.Join(", ", PowerShellValues.PropertyNames(row))}); nothing was sent",
                "Name columns the rows have; the names are those of the CSV's header line.");
        }

        /// <summary>The next row's origin: its position and tracked values (a later row without a tracked column carries it empty).</summary>
        public RowOrigin Next(PSObject? row)
        {
            if (!_piped) return RowOrigin.None;
            _rows++;
            if (_names.Length == 0 || row == null) return new RowOrigin(_rows, null);
            return new RowOrigin(_rows, _names.Select(n => new KeyValuePair<string, string?>(n, PowerShellValues.Property(row, n))).ToList());
        }

        /// <summary>Adds the row's number and tracked values to its result (as properties of its own, so Export-Csv writes them).</summary>
        public static object Attach(object result, RowOrigin origin)
        {
            if (result is IInputRowResult numbered) numbered.InputRow = origin.Number;
            if (origin.Tracking.Count == 0) return result;
            var wrapped = PSObject.AsPSObject(result);
            foreach (var pair in origin.Tracking) wrapped.Properties.Add(new PSNoteProperty(pair.Key, pair.Value));
            return wrapped;
        }
    }
}

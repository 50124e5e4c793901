using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Octopods.Errors;

namespace Octopods.PowerShell.Infrastructure
{
    /// <summary>
    /// A piped row with two columns for one parameter (both To and Phone, say) and different values:
    /// PowerShell binds one of them silently, so the row is refused instead, naming both.
    /// </summary>
    internal sealed class AmbiguousColumns
    {
        private readonly List<(string Parameter, string[] Names)> _parameters;

        public AmbiguousColumns(CommandInfo command)
        {
            // Parameters bound from a row by name, with the names that bind them (the parameter's own and its aliases).
            _parameters = command.Parameters.Values
                .Where(p => p.Aliases.Count > 0 && p.Attributes.OfType<ParameterAttribute>().Any(a => a.ValueFromPipelineByPropertyName))
                .Select(p => (p.Name, new[] { p.Name }.Concat(p.Aliases).ToArray()))
                .ToList();
        }

        /// <summary>The error for <paramref name="row"/>, or null when each parameter has at most one distinct value among its columns.</summary>
        public OctopodsException? Check(PSObject? row)
        {
            if (row == null) return null;
            foreach (var (parameter, names) in _parameters)
            {
                var columns = names
                    .Select(name => (Name: name, Value: PowerShellValues.Property(row, name)))
                    .Where(c => !string.IsNullOrWhiteSpace(c.Value))
                    .GroupBy(c => c.Name, StringComparer.OrdinalIgnoreCase).Select(g => g.First())
                    .ToList();
                if (columns.Select(c => c.Value!.Trim()).Distinct(StringComparer.Ordinal).Count() < 2) continue;
                var found = string.Join(", ", columns.Select(c => $"{c.Name} = '{c.Value}'"));
                return new OctopodsException(ErrorNames.AmbiguousColumns, OctopodsErrorKind.InvalidArgument,
                    $"The row has {columns.Count} columns for -{parameter} with different values ({found}); it was not sent",
                    $"Keep one of these columns, or rename the others (for example with Select-Object), so that -{parameter} is not guessed.");
            }
            return null;
        }
    }
}

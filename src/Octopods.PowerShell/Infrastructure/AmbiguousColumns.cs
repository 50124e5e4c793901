using System;
using System.Collections;
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
        // Every name that binds a parameter from a row by property name (its own and its aliases) -> the parameter.
        private readonly Dictionary<string, string> _parameterOf = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        public AmbiguousColumns(CommandInfo command)
        {
            foreach (var p in command.Parameters.Values)
            {
                if (p.Aliases.Count == 0 || !p.Attributes.OfType<ParameterAttribute>().Any(a => a.ValueFromPipelineByPropertyName)) continue;
                foreach (var name in new[] { p.Name }.Concat(p.Aliases)) _parameterOf[name] = p.Name;
            }
        }

        /// <summary>The error for <paramref name="row"/>, or null when each parameter has at most one distinct value among its columns.</summary>
        public OctopodsException? Check(PSObject? row)
        {
            if (row == null) return null;
            // One pass over the row's columns (the per-row cost of a bulk send), grouping those that bind a parameter.
            Dictionary<string, List<(string Name, string Value)>>? found = null;
            foreach (var (name, value) in Columns(row, _parameterOf))
            {
                if (string.IsNullOrWhiteSpace(value)) continue;
                var parameter = _parameterOf[name];
                found ??= new Dictionary<string, List<(string, string)>>(StringComparer.Ordinal);
                if (!found.TryGetValue(parameter, out var columns)) found[parameter] = columns = new List<(string, string)>();
                columns.Add((name, value!));
            }
            if (found == null) return null;
            foreach (var pair in found)
            {
                var columns = pair.Value;
                if (columns.Count < 2 || columns.Select(c => c.Value.Trim()).Distinct(StringComparer.Ordinal).Count() < 2) continue;
                var list = string.Join(", ", columns.Select(c => $"{c.Name} = '{c.Value}'"));
                return new OctopodsException(ErrorNames.AmbiguousColumns, OctopodsErrorKind.InvalidArgument,
                    $"The row has {columns.Count} columns for -{pair.Key} with different values ({list}); it was not sent",
                    $"Keep one of these columns, or rename the others (for example with Select-Object), so that -{pair.Key} is not guessed.");
            }
            return null;
        }

        /// <summary>The row's columns whose names bind a parameter; no other value is read.</summary>
        private static IEnumerable<(string Name, string? Value)> Columns(PSObject row, Dictionary<string, string> binding)
        {
            if (row.BaseObject is IDictionary dictionary)
            {
                foreach (DictionaryEntry entry in dictionary)
                {
                    var key = Convert.ToString(entry.Key, System.Globalization.CultureInfo.InvariantCulture) ?? "";
                    if (binding.ContainsKey(key)) yield return (key, LanguagePrimitives.ConvertTo<string>(entry.Value));
                }
                yield break;
            }
            foreach (var property in row.Properties)
            {
                if (!binding.ContainsKey(property.Name)) continue;
                string? value;
                try { value = LanguagePrimitives.ConvertTo<string>(property.Value); }
                catch (Exception ex) when (ex is GetValueException || ex is PSInvalidCastException) { continue; }
                yield return (property.Name, value);
            }
        }
    }
}

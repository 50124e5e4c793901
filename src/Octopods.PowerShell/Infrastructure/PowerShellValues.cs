using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace Octopods.PowerShell.Infrastructure
{
    /// <summary>Turns PowerShell's wrappers into the plain values the core takes.</summary>
    internal static class PowerShellValues
    {
        /// <summary>PSObject, PSCustomObject and hashtables become plain dictionaries, lists and values, recursively.</summary>
        public static object? Unwrap(object? value)
        {
            if (value is PSObject ps)
            {
                if (ps.BaseObject is PSCustomObject)
                {
                    var map = new Dictionary<string, object?>(StringComparer.Ordinal);
                    foreach (var property in ps.Properties) map[property.Name] = Unwrap(property.Value);
                    return map;
                }
                value = ps.BaseObject;
            }
            switch (value)
            {
                case null: return null;
                case string text: return text;
                case IDictionary dictionary:
                    var result = new Dictionary<string, object?>(StringComparer.Ordinal);
                    foreach (DictionaryEntry entry in dictionary) result[Convert.ToString(entry.Key, System.Globalization.CultureInfo.InvariantCulture) ?? ""] = Unwrap(entry.Value);
                    return result;
                case IEnumerable items:
                    return items.Cast<object?>().Select(Unwrap).ToList();
                default:
                    return value;
            }
        }

        /// <summary>A property (or hashtable key) of a row as text; null when the row has no such name. Case-insensitive, as CSV headers are.</summary>
        public static string? Property(PSObject row, string name)
        {
            if (row.BaseObject is IDictionary dictionary)
            {
                foreach (DictionaryEntry entry in dictionary)
                    if (string.Equals(Convert.ToString(entry.Key, System.Globalization.CultureInfo.InvariantCulture), name, StringComparison.OrdinalIgnoreCase))
                        return LanguagePrimitives.ConvertTo<string>(entry.Value) ?? "";
                return null;
            }
            var property = row.Properties[name];
            return property == null ? null : LanguagePrimitives.ConvertTo<string>(property.Value) ?? "";
        }

        public static IEnumerable<string> PropertyNames(PSObject row) =>
            row.BaseObject is IDictionary dictionary
                ? dictionary.Keys.Cast<object>().Select(k => Convert.ToString(k, System.Globalization.CultureInfo.InvariantCulture) ?? "")
                : row.Properties.Select(p => p.Name);
    }
}

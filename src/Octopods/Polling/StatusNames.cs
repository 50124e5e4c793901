using System;

namespace Octopods.Polling
{
    /// <summary>The services spell status names in either case: one spelling for the names a channel knows, others kept as they came.</summary>
    internal static class StatusNames
    {
        public static string? Normalize(string? raw, string[] known)
        {
            if (string.IsNullOrWhiteSpace(raw)) return null;
            var text = raw!.Trim();
            foreach (var name in known)
                if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase)) return name;
            return text;
        }
    }
}

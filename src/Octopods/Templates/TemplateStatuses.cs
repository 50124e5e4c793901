using System;

namespace Octopods.Templates
{
    /// <summary>Template statuses, as the listing filter spells them.</summary>
    internal static class TemplateStatuses
    {
        public const string Pending = "pending", UnderReview = "under_review", NeedsModification = "needs_modification",
            Rejected = "rejected", Accepted = "accepted", Deleted = "deleted";

        public static readonly string[] All = { Pending, UnderReview, NeedsModification, Rejected, Accepted, Deleted };

        public static string? Normalize(string? raw)
        {
            if (string.IsNullOrWhiteSpace(raw)) return null;
            var text = raw!.Trim();
            foreach (var known in All)
                if (known.Equals(text, StringComparison.OrdinalIgnoreCase) || known.Replace("_", " ").Equals(text, StringComparison.OrdinalIgnoreCase))
                    return known;
            // Meta's own spelling of accepted.
            if (text.Equals("approved", StringComparison.OrdinalIgnoreCase)) return Accepted;
            return text;
        }
    }
}

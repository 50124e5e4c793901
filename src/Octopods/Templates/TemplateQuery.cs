using System;
using System.Collections.Generic;

namespace Octopods.Templates
{
    /// <summary>The listing filters: status (WhatsApp only), active, lang ("en" matches en_GB and en_US).</summary>
    internal sealed class TemplateQuery
    {
        public string? Status { get; set; }
        public bool? Active { get; set; }
        public string? Language { get; set; }

        internal string ToQueryString()
        {
            var parts = new List<string>();
            if (!string.IsNullOrWhiteSpace(Status)) parts.Add("status=" + Uri.EscapeDataString(Status!.Trim().ToLowerInvariant()));
            if (Active.HasValue) parts.Add("active=" + (Active.Value ? "true" : "false"));
            if (!string.IsNullOrWhiteSpace(Language)) parts.Add("lang=" + Uri.EscapeDataString(Language!.Trim()));
            return parts.Count == 0 ? "" : "?" + string.Join("&", parts);
        }
    }
}

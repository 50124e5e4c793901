using System;

namespace Octopods.OptOuts
{
    /// <summary>One number that opted out: what Get-OctopodsOptOut writes. Flat, so it exports to CSV as it is.</summary>
    public sealed class OptOutEntry
    {
        /// <summary>The number in E.164, normalised as the sends normalise it.</summary>
        public string PhoneNumber { get; set; } = "";
        public OptOutChannel Channel { get; set; }
        /// <summary>Why, in the words of whoever added it (a STOP reply, a CRM export, a complaint).</summary>
        public string? Reason { get; set; }
        /// <summary>When the recipient opted out (as given, else when it was added), in UTC.</summary>
        public DateTimeOffset OptedOutAt { get; set; }
        /// <summary>Where it came from: "manual" for Add-OctopodsOptOut.</summary>
        public string? Source { get; set; }

        public override string ToString() => $"{PhoneNumber} ({Channel})";
    }
}

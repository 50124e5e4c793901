using System;
using Octopods.Polling;

namespace Octopods.WhatsApp
{
    /// <summary>WhatsApp status names. The service spells them in either case; unknown values are kept as they came.</summary>
    internal static class WhatsAppStatuses
    {
        public const string Sent = "Sent", Delivered = "Delivered", Read = "Read", Failed = "Failed", Deleted = "Deleted", Unknown = "Unknown";
        private static readonly string[] Known = { Sent, Delivered, Read, Failed, Deleted, Unknown };

        public static string? Normalize(string? raw) => StatusNames.Normalize(raw, Known);

        /// <summary>Delivered, Read, Failed and Deleted are final; Unknown means "ask again shortly".</summary>
        public static bool IsTerminal(string? status) =>
            string.Equals(status, Delivered, StringComparison.OrdinalIgnoreCase) ||
            string.Equals(status, Read, StringComparison.OrdinalIgnoreCase) ||
            string.Equals(status, Failed, StringComparison.OrdinalIgnoreCase) ||
            string.Equals(status, Deleted, StringComparison.OrdinalIgnoreCase);
    }
}

using System;
using Octopods.Polling;

namespace Octopods.Sms
{
    /// <summary>SMS status names. The service spells them in either case; unknown values are kept as they came.</summary>
    internal static class SmsStatuses
    {
        public const string Queued = "Queued", Sent = "Sent", Delivered = "Delivered", Failed = "Failed", Undelivered = "Undelivered";
        private static readonly string[] Known = { Queued, Sent, Delivered, Failed, Undelivered };

        public static string? Normalize(string? raw) => StatusNames.Normalize(raw, Known);

        public static bool IsTerminal(string? status) =>
            string.Equals(status, Delivered, StringComparison.OrdinalIgnoreCase) ||
            string.Equals(status, Failed, StringComparison.OrdinalIgnoreCase) ||
            string.Equals(status, Undelivered, StringComparison.OrdinalIgnoreCase);
    }
}

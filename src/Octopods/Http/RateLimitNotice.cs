using System;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace Octopods.Http
{
    /// <summary>
    /// When a 429 says to come back: "Please try after 2026-04-24 12:34:56 UTC." in the body, or a
    /// Retry-After header (seconds or an HTTP date) which the docs do not mention but we honour.
    /// </summary>
    internal static class RateLimitNotice
    {
        private static readonly Regex TryAfter = new Regex(
            @"try\s+(?:again\s+)?after\s+(?<when>\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(?:UTC|GMT|Z)?",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        private static readonly string[] Formats =
        {
            "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd H:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd'T'HH:mm:ss",
            "yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF",
        };

        /// <summary>The UTC instant named in a 429 message, or null when it names none.</summary>
        public static DateTimeOffset? ParseTryAfter(string? message)
        {
            if (string.IsNullOrEmpty(message)) return null;
            var match = TryAfter.Match(message);
            if (!match.Success) return null;
            var text = match.Groups["when"].Value;
            return DateTime.TryParseExact(text, Formats, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var when)
                ? new DateTimeOffset(DateTime.SpecifyKind(when, DateTimeKind.Utc))
                : (DateTimeOffset?)null;
        }

        /// <summary>
        /// How long to wait before retrying. Retry-After wins when present (it is precise); otherwise the
        /// time in the message. Null when neither says.
        /// </summary>
        /// <remarks>
        /// <paramref name="rawRetryAfter"/> is the header's text: a number of seconds too large for the
        /// header's parser is a wait longer than any allowed, not "no wait named".
        /// </remarks>
        public static TimeSpan? WaitFor(RetryConditionHeaderValue? retryAfter, string? rawRetryAfter, string? message, DateTimeOffset now)
        {
            if (retryAfter == null && rawRetryAfter != null && Regex.IsMatch(rawRetryAfter.Trim(), @"^\d{10,}$")) return Absurd;
            if (retryAfter?.Delta is TimeSpan delta) return delta < TimeSpan.Zero ? TimeSpan.Zero : delta > Absurd ? Absurd : delta;
            if (retryAfter?.Date is DateTimeOffset date) return Max0(date - now);
            var until = ParseTryAfter(message);
            return until.HasValue ? Max0(until.Value - now) : (TimeSpan?)null;
        }

        /// <summary>The longest wait a Retry-After is read as: a number of seconds past it is no less absurd.</summary>
        public static readonly TimeSpan Absurd = TimeSpan.FromDays(3650);

        private static TimeSpan Max0(TimeSpan span) => span < TimeSpan.Zero ? TimeSpan.Zero : span;
    }
}

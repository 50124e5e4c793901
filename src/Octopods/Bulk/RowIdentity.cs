using System;
using System.Security.Cryptography;
using System.Text;

namespace Octopods.Bulk
{
    /// <summary>
    /// The journal's name for a row: a hash of channel, destination and content (stable across runs,
    /// machines and PowerShell editions), or of an explicit idempotency key when the input carries
    /// one. Only the hash reaches the journal, never the key or the message text. A journal's own
    /// random secret keys it (HMAC-SHA256), so a leaked journal does not give short texts such as
    /// one-time codes away to a brute-force search; journals written before they had a secret keep
    /// the plain SHA-256, so they still resume. Journals that say so in their header name content as
    /// a reader compares it (<see cref="Text.ComparableText"/>); older ones as it was given.
    /// </summary>
    internal static class RowIdentity
    {
        /// <summary>From what is sent. <paramref name="content"/> is everything that makes two messages different (body, template, variables).</summary>
        public static string FromContent(OctopodsChannel channel, string destination, string content, byte[]? secret = null) =>
            Hash("octopods-row-v1\n" + channel + "\n" + destination + "\n" + content, secret);

        /// <summary>From what is sent, <paramref name="comparableContent"/> already as a reader compares it (line ends, spaces, Unicode form).</summary>
        public static string FromComparableContent(OctopodsChannel channel, string destination, string comparableContent, byte[]? secret) =>
            Hash("octopods-row-v2\n" + channel + "\n" + destination + "\n" + comparableContent, secret);

        /// <summary>From a caller's idempotency key (scoped to the channel).</summary>
        public static string FromKey(OctopodsChannel channel, string idempotencyKey, byte[]? secret = null)
        {
            if (string.IsNullOrWhiteSpace(idempotencyKey)) throw new ArgumentException("The idempotency key is empty.", nameof(idempotencyKey));
            return Hash("octopods-key-v1\n" + channel + "\n" + idempotencyKey.Trim(), secret);
        }

        /// <summary>
        /// The key of one number of a row that lists several: the row's key scoped to that number, so
        /// each number is its own message (its own journal entry, never "the same key twice"). A row
        /// with one number keeps its key as given, so journals written before lists were taken still resume.
        /// </summary>
        public static string KeyForDestination(string idempotencyKey, string destination)
        {
            if (string.IsNullOrWhiteSpace(idempotencyKey)) throw new ArgumentException("The idempotency key is empty.", nameof(idempotencyKey));
            return idempotencyKey.Trim() + "\n" + destination;
        }

        /// <summary>The n-th (from 1) occurrence of the same content in one input: the first keeps the bare id.</summary>
        public static string Occurrence(string id, int occurrence) => occurrence <= 1 ? id : id + "#" + occurrence;

        /// <summary>A new journal's secret: 32 random bytes.</summary>
        public static byte[] NewSecret()
        {
            var secret = new byte[32];
            using var random = RandomNumberGenerator.Create();
            random.GetBytes(secret);
            return secret;
        }

        private static string Hash(string text, byte[]? secret)
        {
            using HashAlgorithm hash = secret == null ? SHA256.Create() : new HMACSHA256(secret);
            var bytes = hash.ComputeHash(Encoding.UTF8.GetBytes(text));
            var sb = new StringBuilder(bytes.Length * 2);
            foreach (var b in bytes) sb.Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            return sb.ToString();
        }
    }
}

using System;
using System.Security.Cryptography;
using System.Text;

namespace Octopods.Bulk
{
    /// <summary>
    /// The journal's name for a row: a SHA-256 of channel, destination and content (stable across
    /// runs, machines and PowerShell editions), or of an explicit idempotency key when the input
    /// carries one. Only the hash reaches the journal, never the key or the message text.
    /// </summary>
    public static class RowIdentity
    {
        /// <summary>From what is sent. <paramref name="content"/> is everything that makes two messages different (body, template, variables).</summary>
        public static string FromContent(OctopodsChannel channel, string destination, string content) =>
            Hash("octopods-row-v1\n" + channel + "\n" + destination + "\n" + content);

        /// <summary>From a caller's idempotency key (scoped to the channel).</summary>
        public static string FromKey(OctopodsChannel channel, string idempotencyKey)
        {
            if (string.IsNullOrWhiteSpace(idempotencyKey)) throw new ArgumentException("The idempotency key is empty.", nameof(idempotencyKey));
            return Hash("octopods-key-v1\n" + channel + "\n" + idempotencyKey.Trim());
        }

        /// <summary>The n-th (from 1) occurrence of the same content in one input: the first keeps the bare id.</summary>
        public static string Occurrence(string id, int occurrence) => occurrence <= 1 ? id : id + "#" + occurrence;

        private static string Hash(string text)
        {
            using var sha = SHA256.Create();
            var bytes = sha.ComputeHash(Encoding.UTF8.GetBytes(text));
            var sb = new StringBuilder(bytes.Length * 2);
            foreach (var b in bytes) sb.Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            return sb.ToString();
        }
    }

    /// <summary>
    /// A row id as the engine keeps it in memory for the whole run: the first 128 bits of its hash
    /// (16 bytes instead of a 64-character string, about 150 bytes). Collisions are as unlikely as
    /// for a random 128-bit value.
    /// </summary>
    internal readonly struct RowKey : IEquatable<RowKey>
    {
        private readonly ulong _high, _low;

        private RowKey(ulong high, ulong low)
        {
            _high = high;
            _low = low;
        }

        /// <summary>From an id of <see cref="RowIdentity"/> (64 hex digits).</summary>
        public static RowKey FromId(string id)
        {
            if (id == null || id.Length < 32) throw new ArgumentException("Not a row id.", nameof(id));
            return new RowKey(Hex(id, 0), Hex(id, 16));
        }

        private static ulong Hex(string text, int start)
        {
            ulong value = 0;
            for (var i = start; i < start + 16; i++)
            {
                var c = text[i];
                int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
                if (digit < 0) throw new ArgumentException("Not a row id.", nameof(text));
                value = (value << 4) | (uint)digit;
            }
            return value;
        }

        public bool Equals(RowKey other) => _high == other._high && _low == other._low;
        public override bool Equals(object? obj) => obj is RowKey other && Equals(other);
        public override int GetHashCode() => unchecked((int)_low ^ (int)(_low >> 32));
    }
}

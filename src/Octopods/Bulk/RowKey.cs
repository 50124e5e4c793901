using System;

namespace Octopods.Bulk
{
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

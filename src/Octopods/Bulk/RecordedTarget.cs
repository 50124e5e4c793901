using System;

namespace Octopods.Bulk
{
    /// <summary>The target an earlier run recorded in a journal: sandbox or address, and its key's salted fingerprint.</summary>
    internal sealed class RecordedTarget
    {
        public bool Sandbox { get; init; }
        public string Address { get; init; } = "";
        public byte[] KeySalt { get; init; } = Array.Empty<byte>();
        public string KeyMac { get; init; } = "";

        /// <summary>How the target is shown: "the sandbox", or the address.</summary>
        public string Name => Sandbox ? "the sandbox" : Address;

        /// <summary>What differs from <paramref name="target"/>, in words; null when nothing does.</summary>
        public string? Mismatch(JournalTarget target)
        {
            if (Sandbox != target.Sandbox || (!Sandbox && !string.Equals(Address, target.Address.ToString(), StringComparison.OrdinalIgnoreCase)))
                return $"it records sends to {Name}, and this run sends to {target.Name}";
            if (KeySalt.Length == 0 || !string.Equals(KeyMac, target.KeyMac(KeySalt), StringComparison.Ordinal))
                return $"it records sends to {Name} with another key than this run's";
            return null;
        }
    }
}

using System;
using System.Security.Cryptography;
using System.Text;

namespace Octopods.Bulk
{
    /// <summary>
    /// Where a run's messages go: the sandbox or the service at an address, and with which key. A
    /// journal records it in each run's record, the key only as a keyed fingerprint (an HMAC with a
    /// random salt kept beside it), so a run against another target does not take the journal's
    /// rows as sent there.
    /// </summary>
    internal sealed class JournalTarget
    {
        private readonly ApiKey _key;

        public JournalTarget(bool sandbox, Uri address, ApiKey key)
        {
            Sandbox = sandbox;
            Address = address ?? throw new ArgumentNullException(nameof(address));
            _key = key ?? throw new ArgumentNullException(nameof(key));
        }

        public bool Sandbox { get; }

        public Uri Address { get; }

        /// <summary>How the target is shown: "the sandbox", or the address.</summary>
        public string Name => Sandbox ? "the sandbox" : Address.ToString();

        /// <summary>The key's fingerprint under <paramref name="salt"/>: 16 bytes of HMAC-SHA256, in hex. Without the salt it tells nothing of the key.</summary>
        public string KeyMac(byte[] salt)
        {
            using var hmac = new HMACSHA256(salt);
            var mac = hmac.ComputeHash(Encoding.UTF8.GetBytes(_key.Reveal()));
            var text = new StringBuilder(32);
            for (var i = 0; i < 16; i++) text.Append(mac[i].ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            return text.ToString();
        }

        /// <summary>A fresh random salt for a run's record.</summary>
        public static byte[] NewSalt()
        {
            var salt = new byte[16];
            using var random = RandomNumberGenerator.Create();
            random.GetBytes(salt);
            return salt;
        }
    }
}

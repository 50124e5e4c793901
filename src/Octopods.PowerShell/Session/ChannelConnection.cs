using System;
using System.Security;

namespace Octopods.PowerShell.Session
{
    /// <summary>
    /// A channel's connection as Connect-Octopods recorded it: a key, or the name of the secret
    /// that holds it (read again by each command, so a rotated key is picked up), and the address
    /// when one was given; without one, each command takes the settings' address (file, environment, default).
    /// </summary>
    internal sealed class ChannelConnection
    {
        public ChannelConnection(OctopodsChannel channel, Uri? baseUri, SecureString? key, bool sandbox, string? secretName = null, string? vault = null)
        {
            Channel = channel;
            BaseUri = baseUri;
            Key = key;
            Sandbox = sandbox;
            SecretName = secretName;
            Vault = vault;
            ConnectedAt = DateTimeOffset.UtcNow;
        }

        public OctopodsChannel Channel { get; }
        /// <summary>Connect-Octopods -BaseUri (or the sandbox's); null means the settings' address.</summary>
        public Uri? BaseUri { get; }
        public SecureString? Key { get; }
        public string? SecretName { get; }
        public string? Vault { get; }
        public bool Sandbox { get; }
        public DateTimeOffset ConnectedAt { get; }

        /// <param name="configured">The address from the settings, for a connection made without -BaseUri.</param>
        public OctopodsConnection Describe(Uri configured) => new OctopodsConnection
        {
            Channel = Channel, BaseUri = BaseUri ?? configured, Sandbox = Sandbox, KeySource = "Session", ConnectedAt = ConnectedAt,
            SecretName = SecretName, Vault = Vault,
        };
    }
}

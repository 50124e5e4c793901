using System;

namespace Octopods.PowerShell
{
    /// <summary>What Get-OctopodsConnection shows for a channel. Says where the key comes from, never the key.</summary>
    public sealed class OctopodsConnection
    {
        public OctopodsChannel Channel { get; internal set; }
        public Uri BaseUri { get; internal set; } = Http.TransportSecurity.DefaultBaseUri;
        public bool Sandbox { get; internal set; }
        /// <summary>Parameter, Secret, Session (Connect-Octopods), DefaultSecret (Octopods.&lt;Channel&gt;) or Environment (OCTOPODS_*_API_KEY).</summary>
        public string KeySource { get; internal set; } = "";
        /// <summary>The SecretManagement secret the key is read from, when it comes from a vault.</summary>
        public string? SecretName { get; internal set; }
        /// <summary>The vault of <see cref="SecretName"/>; empty means the default vault.</summary>
        public string? Vault { get; internal set; }
        public DateTimeOffset? ConnectedAt { get; internal set; }

        public override string ToString() => $"{Channel} via {(Sandbox ? "sandbox" : BaseUri.ToString())} ({KeySource})";
    }
}

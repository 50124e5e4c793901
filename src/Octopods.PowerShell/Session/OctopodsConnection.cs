using System;

namespace Octopods.PowerShell
{
    /// <summary>What Get-OctopodsConnection shows for a channel. Says where the key comes from, never the key.</summary>
    public sealed class OctopodsConnection
    {
        public OctopodsChannel Channel { get; internal set; }
        public Uri BaseUri { get; internal set; } = Http.TransportSecurity.DefaultBaseUri;
        public bool Sandbox { get; internal set; }
        /// <summary>Parameter, Session (Connect-Octopods) or Environment (OCTOPODS_*_API_KEY).</summary>
        public string KeySource { get; internal set; } = "";
        public DateTimeOffset? ConnectedAt { get; internal set; }

        public override string ToString() => $"{Channel} via {(Sandbox ? "sandbox" : BaseUri.ToString())} ({KeySource})";
    }
}

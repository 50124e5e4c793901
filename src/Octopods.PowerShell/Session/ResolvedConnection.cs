using Octopods.Http;

namespace Octopods.PowerShell.Session
{
    /// <summary>Where a command's key and address came from, and the client options they make.</summary>
    internal sealed class ResolvedConnection
    {
        public ResolvedConnection(OctopodsClientOptions options, OctopodsConnection description)
        {
            Options = options;
            Description = description;
        }

        public OctopodsClientOptions Options { get; }
        public OctopodsConnection Description { get; }
        /// <summary>The sandbox the connection sends to; null for a real service.</summary>
        public Sandbox.OctopodsEmulator? Sandbox { get; init; }
    }
}

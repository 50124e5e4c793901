using System;
using System.Runtime.InteropServices;
using System.Security;
using Octopods.Errors;
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
    }

    /// <summary>
    /// Picks the key for a command, first match wins: -ApiKey on the command, the session's
    /// Connect-Octopods for the channel, then the environment (OCTOPODS_&lt;CHANNEL&gt;_API_KEY) for
    /// unattended jobs. The address follows the same order, then the public default.
    /// </summary>
    internal static class ConnectionResolver
    {
        public const string BaseUriVariable = "OCTOPODS_BASE_URI";

        public static string KeyVariable(OctopodsChannel channel) => $"OCTOPODS_{channel.ToString().ToUpperInvariant()}_API_KEY";

        public static ResolvedConnection Resolve(OctopodsChannel channel, SecureString? apiKey, string? baseUri)
        {
            if (apiKey != null)
            {
                var uri = TransportSecurity.ValidateBaseUri(baseUri ?? Environment.GetEnvironmentVariable(BaseUriVariable));
                return Make(channel, new ApiKey(Reveal(apiKey)), uri, "Parameter");
            }

            var session = SessionConnections.Current;
            var connection = session.Get(channel);
            // A sandbox session's key means nothing to a real address: -BaseUri skips it.
            if (connection != null && !(connection.Sandbox && baseUri != null))
            {
                var uri = baseUri != null ? TransportSecurity.ValidateBaseUri(baseUri) : connection.BaseUri;
                var resolved = Make(channel, new ApiKey(Reveal(connection.Key)), uri, "Session");
                resolved.Description.ConnectedAt = connection.ConnectedAt;
                if (connection.Sandbox)
                {
                    var emulator = session.Sandbox;
                    resolved.Options.Handler = emulator.CreateHttpHandler();
                    resolved.Options.Clock = emulator.Clock;
                    resolved.Description.Sandbox = true;
                }
                return resolved;
            }

            var fromEnvironment = Environment.GetEnvironmentVariable(KeyVariable(channel));
            if (!string.IsNullOrWhiteSpace(fromEnvironment))
            {
                var uri = TransportSecurity.ValidateBaseUri(baseUri ?? Environment.GetEnvironmentVariable(BaseUriVariable));
                return Make(channel, new ApiKey(fromEnvironment!), uri, "Environment");
            }

            throw new OctopodsException(ErrorNames.NotConnected, OctopodsErrorKind.Authentication,
                $"No {channel} API key was found",
                $"Give one in any of these ways: -ApiKey (a SecureString) on the command; Connect-Octopods -Channel {channel} -ApiKey (Read-Host -AsSecureString) once per session; " +
                $"the environment variable {KeyVariable(channel)} for unattended jobs; or Connect-Octopods -Sandbox to try the module without an account.");
        }

        private static ResolvedConnection Make(OctopodsChannel channel, ApiKey key, Uri uri, string source) =>
            new ResolvedConnection(new OctopodsClientOptions(channel, key, uri),
                new OctopodsConnection { Channel = channel, BaseUri = uri, KeySource = source });

        /// <summary>The key as text, for the moment the transport writes the header.</summary>
        internal static string Reveal(SecureString secure)
        {
            var pointer = IntPtr.Zero;
            try
            {
                pointer = Marshal.SecureStringToGlobalAllocUnicode(secure);
                return Marshal.PtrToStringUni(pointer) ?? "";
            }
            finally
            {
                if (pointer != IntPtr.Zero) Marshal.ZeroFreeGlobalAllocUnicode(pointer);
            }
        }
    }
}

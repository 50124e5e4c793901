using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Security;
using Octopods.Errors;
using Octopods.Http;

namespace Octopods.PowerShell.Session
{
    /// <summary>
    /// Picks the key for a command, first match wins (about_Octopods_Authentication):
    /// -ApiKey or -SecretName on the command; the session's Connect-Octopods for the channel; a
    /// secret named Octopods.&lt;Channel&gt; in the default vault when SecretManagement is present;
    /// the environment (OCTOPODS_&lt;CHANNEL&gt;_API_KEY) for unattended jobs. The address follows
    /// the same order, then OCTOPODS_BASE_URI, then the public default.
    /// </summary>
    internal static class ConnectionResolver
    {
        public const string BaseUriVariable = "OCTOPODS_BASE_URI";

        public static string KeyVariable(OctopodsChannel channel) => $"OCTOPODS_{channel.ToString().ToUpperInvariant()}_API_KEY";

        public static string DefaultSecretName(OctopodsChannel channel) => $"Octopods.{channel}";

        public static ResolvedConnection Resolve(OctopodsChannel channel, SecureString? apiKey, string? secretName, string? vault, string? baseUri,
            SecretVault secrets, Action<string>? note = null)
        {
            if (apiKey != null)
                return Make(channel, new ApiKey(Reveal(apiKey)), ExplicitOrEnvironmentUri(baseUri), "Parameter");

            if (!string.IsNullOrWhiteSpace(secretName))
            {
                var resolved = Make(channel, new ApiKey(secrets.Read(secretName!, Blank(vault))), ExplicitOrEnvironmentUri(baseUri), "Secret");
                resolved.Description.SecretName = secretName;
                resolved.Description.Vault = Blank(vault);
                return resolved;
            }

            var session = SessionConnections.Current;
            var connection = session.Get(channel);
            // A sandbox session's key means nothing to a real address: -BaseUri skips it.
            if (connection != null && !(connection.Sandbox && baseUri != null))
            {
                var key = connection.Key != null ? Reveal(connection.Key) : secrets.Read(connection.SecretName!, connection.Vault);
                var uri = baseUri != null ? TransportSecurity.ValidateBaseUri(baseUri) : connection.BaseUri;
                var resolved = Make(channel, new ApiKey(key), uri, "Session", connection.Sandbox ? session.Sandbox : null);
                resolved.Description.ConnectedAt = connection.ConnectedAt;
                resolved.Description.SecretName = connection.SecretName;
                resolved.Description.Vault = connection.Vault;
                resolved.Description.Sandbox = connection.Sandbox;
                return resolved;
            }

            var notes = new List<string>();
            var defaultSecret = DefaultSecretName(channel);
            if (secrets.IsAvailable)
            {
                try
                {
                    var resolved = Make(channel, new ApiKey(secrets.Read(defaultSecret, null, quiet: true)), ExplicitOrEnvironmentUri(baseUri), "DefaultSecret");
                    resolved.Description.SecretName = defaultSecret;
                    return resolved;
                }
                catch (OctopodsException ex)
                {
                    // A missing default secret is normal; anything else is worth saying if nothing else works.
                    if (ex.ErrorName != ErrorNames.SecretNotFound) notes.Add(ex.Message);
                    note?.Invoke($"No {channel} key from the default secret: {ex.Detail}.");
                }
            }
            else
            {
                notes.Add($"SecretManagement is not installed, so no default secret could be read ({SecretVault.InstallCommand}).");
            }

            var fromEnvironment = Environment.GetEnvironmentVariable(KeyVariable(channel));
            if (!string.IsNullOrWhiteSpace(fromEnvironment))
                return Make(channel, new ApiKey(fromEnvironment!), ExplicitOrEnvironmentUri(baseUri), "Environment");

            throw new OctopodsException(ErrorNames.NotConnected, OctopodsErrorKind.Authentication,
                $"No {channel} API key was found",
                $"Give one in any of these ways: (1) -ApiKey (a SecureString) or -SecretName/-Vault on the command; " +
                $"(2) Connect-Octopods -Channel {channel} -ApiKey (Read-Host -AsSecureString), or -SecretName, once per session; " +
                $"(3) a secret named {defaultSecret} in the default SecretManagement vault (Set-Secret -Name {defaultSecret} -Secret (Read-Host -AsSecureString)); " +
                $"(4) the environment variable {KeyVariable(channel)} for unattended jobs. " +
                (notes.Count > 0 ? string.Join(" ", notes) + " " : "") +
                "To try the module without an account: Connect-Octopods -Sandbox.");
        }

        /// <summary>
        /// The connection tab completion may use without a cmdlet: the session's key (sandbox included)
        /// or the environment. Vault secrets are skipped: reading one may prompt, which completion must not.
        /// </summary>
        internal static OctopodsClientOptions? ForCompletion(OctopodsChannel channel)
        {
            try
            {
                var session = SessionConnections.Current;
                var connection = session.Get(channel);
                if (connection?.Key != null)
                {
                    return Options(channel, new ApiKey(Reveal(connection.Key)), connection.BaseUri, connection.Sandbox ? session.Sandbox : null);
                }
                if (connection != null) return null;
                var fromEnvironment = Environment.GetEnvironmentVariable(KeyVariable(channel));
                return string.IsNullOrWhiteSpace(fromEnvironment)
                    ? null
                    : new OctopodsClientOptions(channel, new ApiKey(fromEnvironment!), ExplicitOrEnvironmentUri(null));
            }
            catch (OctopodsException)
            {
                return null;
            }
        }

        private static Uri ExplicitOrEnvironmentUri(string? baseUri) =>
            TransportSecurity.ValidateBaseUri(baseUri ?? Environment.GetEnvironmentVariable(BaseUriVariable));

        private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;

        private static ResolvedConnection Make(OctopodsChannel channel, ApiKey key, Uri uri, string source, Sandbox.OctopodsEmulator? sandbox = null) =>
            new ResolvedConnection(Options(channel, key, uri, sandbox),
                new OctopodsConnection { Channel = channel, BaseUri = uri, KeySource = source });

        /// <summary>The client options, made once: the sandbox's handler and clock, or the network.</summary>
        private static OctopodsClientOptions Options(OctopodsChannel channel, ApiKey key, Uri uri, Sandbox.OctopodsEmulator? sandbox) =>
            sandbox == null
                ? new OctopodsClientOptions(channel, key, uri)
                : new OctopodsClientOptions(channel, key, uri) { Handler = sandbox.CreateHttpHandler(), Clock = sandbox.Clock };

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

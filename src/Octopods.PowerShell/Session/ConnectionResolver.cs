using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Security;
using Octopods.Errors;
using Octopods.Http;
using Octopods.Settings;

namespace Octopods.PowerShell.Session
{
    /// <summary>
    /// Picks the key for a command, first match wins (about_Octopods_Authentication):
    /// -ApiKey or -SecretName on the command; the session's Connect-Octopods for the channel; a
    /// secret named Octopods.&lt;Channel&gt; in the default vault when SecretManagement is present;
    /// the environment (OCTOPODS_&lt;CHANNEL&gt;_API_KEY) for unattended jobs. The address follows
    /// the same order (-BaseUri, Connect-Octopods -BaseUri), then the settings: the settings file,
    /// then OCTOPODS_BASE_URI, then the public default. The client options are made here, once, with
    /// the settings' timeout, 429 limits and proxy (Get-Help about_Octopods_Authentication).
    /// </summary>
    internal static class ConnectionResolver
    {
        public const string BaseUriVariable = OctopodsConfiguration.BaseUriVariable;

        public static string KeyVariable(OctopodsChannel channel) => $"OCTOPODS_{channel.ToString().ToUpperInvariant()}_API_KEY";

        public static string DefaultSecretName(OctopodsChannel channel) => $"Octopods.{channel}";

        /// <summary>The settings as this session sees them: the settings file, the environment, this session's proxy credential.</summary>
        public static OctopodsConfiguration Configuration()
        {
            var path = SettingsFile.CurrentPath();
            return OctopodsConfiguration.Resolve(path, SettingsFile.Load(path), Environment.GetEnvironmentVariable(BaseUriVariable),
                SessionConnections.Current.ProxyCredential?.UserName);
        }

        /// <param name="readProxyCredential">False when only the description is wanted (Get-OctopodsConnection): a proxy's secret is then not read.</param>
        public static ResolvedConnection Resolve(OctopodsChannel channel, SecureString? apiKey, string? secretName, string? vault, string? baseUri,
            SecretVault secrets, Action<string>? note = null, bool readProxyCredential = true)
        {
            var settings = Configuration();
            var network = new Network(settings, readProxyCredential ? secrets : null);
            Uri Address() => baseUri != null ? TransportSecurity.ValidateBaseUri(baseUri) : settings.Address();

            if (apiKey != null)
                return network.Make(channel, new ApiKey(Reveal(apiKey)), Address(), "Parameter");

            if (!string.IsNullOrWhiteSpace(secretName))
            {
                var resolved = network.Make(channel, new ApiKey(secrets.Read(secretName!, Blank(vault))), Address(), "Secret");
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
                var uri = baseUri != null ? TransportSecurity.ValidateBaseUri(baseUri) : connection.BaseUri ?? settings.Address();
                var resolved = network.Make(channel, new ApiKey(key), uri, "Session", connection.Sandbox ? session.Sandbox : null);
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
                ApiKey? key = null;
                try
                {
                    key = new ApiKey(secrets.Read(defaultSecret, null, quiet: true));
                }
                catch (OctopodsException ex)
                {
                    // A missing default secret is normal; anything else is worth saying if nothing else works.
                    if (ex.ErrorName != ErrorNames.SecretNotFound) notes.Add(ex.Message);
                    note?.Invoke($"No {channel} key from the default secret: {ex.Detail}.");
                }
                if (key != null)
                {
                    var resolved = network.Make(channel, key, Address(), "DefaultSecret");
                    resolved.Description.SecretName = defaultSecret;
                    return resolved;
                }
            }
            else
            {
                notes.Add($"SecretManagement is not installed, so no default secret could be read ({SecretVault.InstallCommand}).");
            }

            var fromEnvironment = Environment.GetEnvironmentVariable(KeyVariable(channel));
            if (!string.IsNullOrWhiteSpace(fromEnvironment))
                return network.Make(channel, new ApiKey(fromEnvironment!), Address(), "Environment");

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
        /// or the environment. Vault secrets are skipped, the proxy's included: reading one may prompt,
        /// which completion must not.
        /// </summary>
        internal static OctopodsClientOptions? ForCompletion(OctopodsChannel channel)
        {
            try
            {
                var settings = Configuration();
                var network = new Network(settings, secrets: null);
                var session = SessionConnections.Current;
                var connection = session.Get(channel);
                if (connection?.Key != null)
                {
                    return network.Make(channel, new ApiKey(Reveal(connection.Key)), connection.BaseUri ?? settings.Address(), "Session",
                        connection.Sandbox ? session.Sandbox : null).Options;
                }
                if (connection != null) return null;
                var fromEnvironment = Environment.GetEnvironmentVariable(KeyVariable(channel));
                return string.IsNullOrWhiteSpace(fromEnvironment)
                    ? null
                    : network.Make(channel, new ApiKey(fromEnvironment!), settings.Address(), "Environment").Options;
            }
            catch (OctopodsException)
            {
                return null;
            }
        }

        /// <summary>
        /// The proxy with its credentials: this session's PSCredential, else the file's secret (read on
        /// each command, so a rotated password is picked up) or the process's default credentials.
        /// Without <paramref name="secrets"/>, a secret is not read and the proxy gets no credentials.
        /// </summary>
        private static ProxySettings Proxy(OctopodsConfiguration settings, SecretVault? secrets)
        {
            var route = settings.RouteWithDefaultCredentials();
            if (route.Mode == ProxyMode.None) return route;
            var sessionCredential = SessionConnections.Current.ProxyCredential;
            if (sessionCredential != null)
                return route.WithCredentials(sessionCredential.GetNetworkCredential(), $"this session's PSCredential for '{sessionCredential.UserName}'");
            if (settings.ProxySecretName != null && secrets != null)
            {
                return route.WithCredentials(secrets.ReadProxyCredential(settings.ProxySecretName, settings.ProxyVault),
                    "the credential in " + OctopodsConfiguration.DescribeSecret(settings.ProxySecretName, settings.ProxyVault));
            }
            return route;
        }

        /// <summary>One command's settings and proxy, the proxy read at most once (and never for the sandbox, which has no network).</summary>
        private sealed class Network
        {
            private readonly OctopodsConfiguration _settings;
            private readonly SecretVault? _secrets;
            private ProxySettings? _proxy;

            public Network(OctopodsConfiguration settings, SecretVault? secrets)
            {
                _settings = settings;
                _secrets = secrets;
            }

            private ProxySettings Proxy => _proxy ??= ConnectionResolver.Proxy(_settings, _secrets);

            /// <summary>The client options, made once: the sandbox's handler and clock, or the network through the proxy; the settings' timeout and 429 limits either way.</summary>
            public ResolvedConnection Make(OctopodsChannel channel, ApiKey key, Uri uri, string source, Sandbox.OctopodsEmulator? sandbox = null)
            {
                OctopodsClientOptions options;
                if (sandbox == null)
                {
                    TransportSecurity.CheckRoute(uri, Proxy);
                    options = _settings.Apply(new OctopodsClientOptions(channel, key, uri), Proxy);
                }
                else
                {
                    options = _settings.Apply(new OctopodsClientOptions(channel, key, uri) { Handler = sandbox.CreateHttpHandler(), Clock = sandbox.Clock }, ProxySettings.System);
                }
                return new ResolvedConnection(options, new OctopodsConnection { Channel = channel, BaseUri = uri, KeySource = source }) { Sandbox = sandbox };
            }
        }

        private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;

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

using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Security;
using Octopods.Errors;
using Octopods.Http;
using Octopods.PowerShell.Completers;
using Octopods.PowerShell.Session;

namespace Octopods.PowerShell.CommandBases
{
    /// <summary>
    /// A cmdlet that calls the API: the shared connection parameters, the key resolved once per
    /// invocation in BeginProcessing (vault reads must run on the pipeline thread), and each HTTP
    /// exchange logged to -Verbose (and, with bodies, to -Debug).
    /// </summary>
    public abstract class OctopodsApiCmdlet : OctopodsCmdlet
    {
        internal const string ApiKeySet = "ApiKey";
        internal const string SecretSet = "Secret";

        /// <summary>The channel key for this command only. Overrides Connect-Octopods and the environment.</summary>
        [Parameter(ParameterSetName = ApiKeySet)]
        public SecureString? ApiKey { get; set; }

        /// <summary>The SecretManagement secret holding the channel key, for this command only.</summary>
        [Parameter(Mandatory = true, ParameterSetName = SecretSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(SecretNameCompleter))]
        public string? SecretName { get; set; }

        /// <summary>The vault of -SecretName; the default vault when omitted.</summary>
        [Parameter(ParameterSetName = SecretSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(VaultCompleter))]
        public string? Vault { get; set; }

        /// <summary>The service root, e.g. https://api.octopods.io. HTTPS, or http to a loopback address.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? BaseUri { get; set; }

        protected abstract OctopodsChannel Channel { get; }

        private ResolvedConnection? _connection;
        private OctopodsClient? _client;
        private OctopodsException? _unresolved;

        /// <summary>False for a command that needs a key only for part of its work (Get-OctopodsSendReport -Refresh): it calls <see cref="ClientFor"/> when it does.</summary>
        private protected virtual bool ResolvesKeyAtBegin => true;

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            if (!ResolvesKeyAtBegin) return;
            try
            {
                _connection = ResolveKey(Channel);
            }
            catch (OctopodsException ex)
            {
                // A dry run needs no key: -WhatIf still validates every input and reports it.
                if (!WhatIfInEffect) ThrowTerminating(ex, Channel);
                _unresolved = ex;
                return;
            }
            Announce(Channel, _connection);
        }

        private ResolvedConnection ResolveKey(OctopodsChannel channel) =>
            ConnectionResolver.Resolve(channel, ApiKey, SecretName, Vault, BaseUri, new SecretVault(this), WriteVerbose);

        private OctopodsClient NewClient(ResolvedConnection connection) => new OctopodsClient(WithLogging(connection.Options));

        private void Announce(OctopodsChannel channel, ResolvedConnection connection) =>
            WriteVerbose($"Using the {channel} key from {Describe(connection.Description)}" +
                         (connection.Description.Sandbox ? " against the sandbox." : $" against {connection.Options.BaseUri}{Route(connection.Options.Proxy)}."));

        private readonly Dictionary<OctopodsChannel, OctopodsClient> _clients = new Dictionary<OctopodsChannel, OctopodsClient>();

        /// <summary>
        /// A client for <paramref name="channel"/> from this command's key sources, resolved on first use
        /// (on the pipeline thread); no key stops the command with the error that lists the ways to give one.
        /// </summary>
        internal OctopodsClient ClientFor(OctopodsChannel channel)
        {
            if (_clients.TryGetValue(channel, out var client)) return client;
            ResolvedConnection connection;
            try
            {
                connection = ResolveKey(channel);
            }
            catch (OctopodsException ex)
            {
                ThrowTerminating(ex, channel);
                throw;
            }
            Announce(channel, connection);
            return _clients[channel] = NewClient(connection);
        }

        /// <summary>The route, when the settings chose one: nothing for the system proxy without credentials, the default.</summary>
        private static string Route(ProxySettings proxy) => proxy.Mode switch
        {
            ProxyMode.None => " directly (no proxy)",
            ProxyMode.Address => $" through proxy {proxy.Address}" + (proxy.Credentials == null ? "" : $" with {proxy.CredentialOrigin}"),
            _ => proxy.Credentials == null ? "" : $" through the system proxy with {proxy.CredentialOrigin}",
        };

        private static string Describe(OctopodsConnection connection) =>
            connection.SecretName == null
                ? connection.KeySource
                : $"{connection.KeySource} (secret '{connection.SecretName}' in {(connection.Vault == null ? "the default vault" : $"vault '{connection.Vault}'")})";

        /// <summary>False only in a dry run (-WhatIf) that found no key: then nothing may be asked of the service.</summary>
        internal bool HasConnection => _connection != null;

        /// <summary>The clock of this command's connection (the sandbox's, or the system's).</summary>
        private protected Time.IClock ConnectionClock => _connection?.Options.Clock ?? Time.SystemClock.Instance;

        /// <summary>
        /// The client for this invocation, made once: the connection's options with this command's
        /// logging. Touch it on the pipeline thread before any Run.
        /// </summary>
        internal OctopodsClient Client
        {
            get
            {
                if (_client != null) return _client;
                if (_connection == null) ThrowTerminating(_unresolved!, Channel);
                return _client = NewClient(_connection!);
            }
        }

        private OctopodsClientOptions WithLogging(OctopodsClientOptions options)
        {
            var debug = IsDebugOn();
            Action<HttpExchange>? log = null;
            // Only when someone listens: each log is a hop to the pipeline thread, which a bulk send
            // of thousands of rows would otherwise pay per request for nothing. The client has
            // redacted the key from every exchange it logs.
            if (debug || IsOn("Verbose", "VerbosePreference"))
            {
                log = exchange => Dispatcher.Post(() =>
                {
                    WriteVerbose(exchange.Summary);
                    if (debug) WriteDebug(exchange.Details);
                });
            }
            return options with
            {
                Log = log,
                RateLimitWait = wait => Dispatcher.Post(() =>
                    WriteVerbose($"Octopods asked to slow down (HTTP 429): waiting {wait.TotalSeconds:0.#} s before retrying; nothing was sent.")),
            };
        }

        private bool IsDebugOn() => IsOn("Debug", "DebugPreference");

        private bool IsOn(string parameter, string preferenceVariable)
        {
            if (MyInvocation.BoundParameters.TryGetValue(parameter, out var value) && value is SwitchParameter sw) return sw.IsPresent;
            var preference = GetVariableValue(preferenceVariable);
            return preference is ActionPreference action
                ? action != ActionPreference.SilentlyContinue && action != ActionPreference.Ignore
                : preference != null && !string.Equals(preference.ToString(), "SilentlyContinue", StringComparison.OrdinalIgnoreCase);
        }
    }
}

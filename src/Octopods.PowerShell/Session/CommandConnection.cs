using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Security;
using Octopods.Errors;
using Octopods.Http;
using Octopods.PowerShell.Infrastructure;

namespace Octopods.PowerShell.Session
{
    /// <summary>
    /// The connection helper of a command that resolves keys: the key for a channel from the
    /// command's own parameters, the session, a vault or the environment (<see cref="ConnectionResolver"/>,
    /// on the pipeline thread, where vault reads must run), announced to -Verbose, and one client per
    /// channel whose HTTP exchanges are logged to -Verbose (and, with bodies, to -Debug).
    /// </summary>
    internal sealed class CommandConnection
    {
        private readonly PSCmdlet _cmdlet;
        private readonly CommandRuntime _runtime;
        private readonly Func<(SecureString? ApiKey, string? SecretName, string? Vault, string? BaseUri)> _parameters;
        private readonly Dictionary<OctopodsChannel, OctopodsClient> _clients = new Dictionary<OctopodsChannel, OctopodsClient>();
        private ResolvedConnection? _connection;
        private OctopodsClient? _client;
        private OctopodsException? _unresolved;
        private OctopodsChannel _channel;

        public CommandConnection(PSCmdlet cmdlet, CommandRuntime runtime, Func<(SecureString?, string?, string?, string?)> parameters)
        {
            _cmdlet = cmdlet;
            _runtime = runtime;
            _parameters = parameters;
        }

        /// <summary>
        /// Resolves the key of the command's one channel at BeginProcessing. A dry run (-WhatIf) needs no
        /// key: without one it still validates every input and reports it; otherwise no key stops the command.
        /// </summary>
        public void ResolveAtBegin(OctopodsChannel channel)
        {
            _channel = channel;
            try
            {
                _connection = Resolve(channel);
            }
            catch (OctopodsException ex)
            {
                if (!_runtime.WhatIfInEffect) _runtime.ThrowTerminating(ex, channel);
                _unresolved = ex;
                return;
            }
            Announce(channel, _connection);
        }

        /// <summary>False only in a dry run (-WhatIf) that found no key: then nothing may be asked of the service.</summary>
        public bool HasConnection => _connection != null;

        /// <summary>How many sends the connection's sandbox could not keep in its file, and why the latest could not; none for a real service.</summary>
        public (int Count, string? Latest) SandboxStoreFailures => _connection?.Sandbox?.StoreFailures ?? (0, null);

        /// <summary>Where the resolved connection sends, for the journal: the sandbox or the service's address, and the key. Null before a key is resolved.</summary>
        public Bulk.JournalTarget? Target =>
            _connection == null ? null : new Bulk.JournalTarget(_connection.Description.Sandbox, _connection.Options.BaseUri, _connection.Options.ApiKey);

        /// <summary>The clock of the connection (the sandbox's, or the system's).</summary>
        public Time.IClock Clock => _connection?.Options.Clock ?? Time.SystemClock.Instance;

        /// <summary>
        /// The client of the channel resolved at BeginProcessing, made once; touch it on the pipeline
        /// thread before any Run. In a dry run without a key it stops the command with the key's error.
        /// </summary>
        public OctopodsClient Client
        {
            get
            {
                if (_client != null) return _client;
                if (_connection == null)
                {
                    if (_unresolved == null) throw new InvalidOperationException("The command resolves no key at BeginProcessing: use ClientFor.");
                    _runtime.ThrowTerminating(_unresolved, _channel);
                }
                return _client = NewClient(_connection!);
            }
        }

        /// <summary>
        /// A client for <paramref name="channel"/>, resolved on first use (on the pipeline thread); no key
        /// stops the command with the error that lists the ways to give one.
        /// </summary>
        public OctopodsClient ClientFor(OctopodsChannel channel)
        {
            if (_clients.TryGetValue(channel, out var client)) return client;
            ResolvedConnection connection;
            try
            {
                connection = Resolve(channel);
            }
            catch (OctopodsException ex)
            {
                _runtime.ThrowTerminating(ex, channel);
                throw;
            }
            Announce(channel, connection);
            return _clients[channel] = NewClient(connection);
        }

        private ResolvedConnection Resolve(OctopodsChannel channel)
        {
            var (apiKey, secretName, vault, baseUri) = _parameters();
            return ConnectionResolver.Resolve(channel, apiKey, secretName, vault, baseUri, new SecretVault(_cmdlet), _runtime.WriteVerbose);
        }

        private OctopodsClient NewClient(ResolvedConnection connection) => new OctopodsClient(WithLogging(connection.Options));

        private void Announce(OctopodsChannel channel, ResolvedConnection connection) =>
            _runtime.WriteVerbose($"Using the {channel} key from {Describe(connection.Description)}" +
                                  (connection.Description.Sandbox ? " against the sandbox." : $" against {connection.Options.BaseUri}{Route(connection.Options.Proxy)}."));

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

        private OctopodsClientOptions WithLogging(OctopodsClientOptions options)
        {
            var debug = IsOn("Debug", "DebugPreference");
            Action<HttpExchange>? log = null;
            // Only when someone listens: each log is a hop to the pipeline thread, which a bulk send
            // of thousands of rows would otherwise pay per request for nothing. The client has
            // redacted the key from every exchange it logs.
            if (debug || IsOn("Verbose", "VerbosePreference"))
            {
                log = exchange => _runtime.Dispatcher.Post(() =>
                {
                    _cmdlet.WriteVerbose(exchange.Summary);
                    if (debug) _cmdlet.WriteDebug(exchange.Details);
                });
            }
            return options with
            {
                Log = log,
                RateLimitWait = wait => _runtime.Dispatcher.Post(() =>
                    _cmdlet.WriteVerbose($"Octopods asked to slow down (HTTP 429): waiting {wait.TotalSeconds:0.#} s before retrying; nothing was sent.")),
            };
        }

        private bool IsOn(string parameter, string preferenceVariable)
        {
            if (_cmdlet.MyInvocation.BoundParameters.TryGetValue(parameter, out var value) && value is SwitchParameter sw) return sw.IsPresent;
            var preference = _cmdlet.GetVariableValue(preferenceVariable);
            return preference is ActionPreference action
                ? action != ActionPreference.SilentlyContinue && action != ActionPreference.Ignore
                : preference != null && !string.Equals(preference.ToString(), "SilentlyContinue", StringComparison.OrdinalIgnoreCase);
        }
    }
}

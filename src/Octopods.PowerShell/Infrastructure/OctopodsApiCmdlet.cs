using System;
using System.Management.Automation;
using System.Security;
using Octopods.Errors;
using Octopods.Http;
using Octopods.PowerShell.Session;

namespace Octopods.PowerShell.Infrastructure
{
    /// <summary>
    /// A cmdlet that calls the API: the shared connection parameters, the key resolved once per
    /// invocation, and each HTTP exchange logged to -Verbose (and, with bodies, to -Debug).
    /// </summary>
    public abstract class OctopodsApiCmdlet : OctopodsCmdlet
    {
        /// <summary>The channel key for this command only. Overrides Connect-Octopods and the environment.</summary>
        [Parameter(ValueFromPipelineByPropertyName = false)]
        public SecureString? ApiKey { get; set; }

        /// <summary>The service root, e.g. https://api.octopods.io. HTTPS, or http to a loopback address.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? BaseUri { get; set; }

        protected abstract OctopodsChannel Channel { get; }

        private ResolvedConnection? _connection;
        private OctopodsClient? _client;

        /// <summary>The client for this invocation, resolved on first use so -WhatIf works without a key.</summary>
        internal OctopodsClient Client
        {
            get
            {
                if (_client != null) return _client;
                try
                {
                    _connection = ConnectionResolver.Resolve(Channel, ApiKey, BaseUri);
                }
                catch (OctopodsException ex)
                {
                    ThrowTerminating(ex, Channel);
                }
                var options = _connection!.Options;
                var key = options.ApiKey;
                var debug = IsDebugOn();
                options.Log = exchange => Dispatcher.Post(() =>
                {
                    WriteVerbose(key.Redact(exchange.Summary));
                    if (debug) WriteDebug(key.Redact(exchange.Details));
                });
                options.RateLimitWait = wait => Dispatcher.Post(() =>
                    WriteVerbose($"Octopods asked to slow down (HTTP 429): waiting {wait.TotalSeconds:0.#} s before retrying; nothing was sent."));
                WriteVerbose($"Using the {Channel} key from {_connection.Description.KeySource}" +
                             (_connection.Description.Sandbox ? " against the sandbox." : $" against {options.BaseUri}."));
                return _client = new OctopodsClient(options);
            }
        }

        internal ResolvedConnection Connection
        {
            get
            {
                _ = Client;
                return _connection!;
            }
        }

        private bool IsDebugOn()
        {
            if (MyInvocation.BoundParameters.TryGetValue("Debug", out var value) && value is SwitchParameter sw) return sw.IsPresent;
            var preference = GetVariableValue("DebugPreference");
            return preference is ActionPreference action
                ? action != ActionPreference.SilentlyContinue && action != ActionPreference.Ignore
                : preference != null && !string.Equals(preference.ToString(), "SilentlyContinue", StringComparison.OrdinalIgnoreCase);
        }
    }
}

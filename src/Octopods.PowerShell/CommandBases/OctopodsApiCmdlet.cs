using System;
using System.Management.Automation;
using System.Security;
using Octopods.Http;
using Octopods.PowerShell.Completers;
using Octopods.PowerShell.Infrastructure;
using Octopods.PowerShell.Session;

namespace Octopods.PowerShell.CommandBases
{
    /// <summary>
    /// The base of the commands that call the API: the connection parameters, declared once. The work
    /// is composed: <see cref="CommandRuntime"/> (Ctrl+C, dispatcher, errors) and
    /// <see cref="CommandConnection"/> (the key resolved on the pipeline thread, the logged client).
    /// </summary>
    public abstract class OctopodsApiCmdlet : PSCmdlet, IDisposable
    {
        internal const string ApiKeySet = "ApiKey";
        internal const string SecretSet = "Secret";

        private protected OctopodsApiCmdlet()
        {
            Runtime = new CommandRuntime(this);
            Connection = new CommandConnection(this, Runtime, () => (ApiKey, SecretName, Vault, BaseUri));
        }

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

        internal CommandRuntime Runtime { get; }

        internal CommandConnection Connection { get; }

        /// <summary>The one channel whose key is resolved at BeginProcessing; null for a command that resolves per channel when it needs to (<see cref="CommandConnection.ClientFor"/>).</summary>
        private protected abstract OctopodsChannel? KeyChannel { get; }

        /// <summary>The client of <see cref="KeyChannel"/>, made once. Touch it on the pipeline thread before any Run.</summary>
        internal OctopodsClient Client => Connection.Client;

        protected override void BeginProcessing()
        {
            PromptFreeDebug.Apply(this);
            if (KeyChannel is { } channel) Connection.ResolveAtBegin(channel);
        }

        protected override void StopProcessing()
        {
            if (Runtime.Stop()) OnStopping();
        }

        /// <summary>Called on the stopping thread after cancellation; must not write to any stream.</summary>
        private protected virtual void OnStopping() { }

        /// <summary>PowerShell disposes a command when its pipeline ends, stopped or not.</summary>
        public void Dispose()
        {
            Dispose(true);
            GC.SuppressFinalize(this);
        }

        protected virtual void Dispose(bool disposing)
        {
            if (disposing) Runtime.Dispose();
        }
    }
}

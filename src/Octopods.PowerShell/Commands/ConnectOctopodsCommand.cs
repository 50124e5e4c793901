using System;
using System.Linq;
using System.Management.Automation;
using System.Security;
using Octopods.Errors;
using Octopods.Http;
using Octopods.PowerShell.CommandBases;
using Octopods.PowerShell.Completers;
using Octopods.PowerShell.Session;
using Octopods.Sandbox;

namespace Octopods.PowerShell.Commands
{
    /// <summary>Records, for this session, the key (and address) each channel's commands use.</summary>
    [Cmdlet(VerbsCommunications.Connect, "Octopods", HelpUri = HelpPages.Root + "Connect-Octopods.md", DefaultParameterSetName = ApiKeySet)]
    [OutputType(typeof(OctopodsConnection))]
    public sealed class ConnectOctopodsCommand : OctopodsCmdlet
    {
        private const string ApiKeySet = "ApiKey";
        private const string SecretSet = "Secret";
        private const string SandboxSet = "Sandbox";

        /// <summary>The channel(s) the key belongs to. Default: Sms with -ApiKey, all three with -Sandbox.</summary>
        [Parameter(Position = 0)]
        public OctopodsChannel[]? Channel { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = ApiKeySet)]
        [Parameter(ParameterSetName = SandboxSet)]
        [ValidateNotNull]
        public SecureString? ApiKey { get; set; }

        /// <summary>The SecretManagement secret holding the key; read again by every command, so rotation needs no reconnect.</summary>
        [Parameter(Mandatory = true, ParameterSetName = SecretSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(SecretNameCompleter))]
        public string? SecretName { get; set; }

        /// <summary>The vault of -SecretName; the default vault when omitted.</summary>
        [Parameter(ParameterSetName = SecretSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(VaultCompleter))]
        public string? Vault { get; set; }

        [Parameter(ParameterSetName = ApiKeySet)]
        [Parameter(ParameterSetName = SecretSet)]
        [ValidateNotNullOrEmpty]
        public string? BaseUri { get; set; }

        /// <summary>Route every call of this session to the built-in emulator: no account, no network.</summary>
        [Parameter(Mandatory = true, ParameterSetName = SandboxSet)]
        public SwitchParameter Sandbox { get; set; }

        /// <summary>Makes the sandbox answer 429 once more than this many requests arrive in one second.</summary>
        [Parameter(ParameterSetName = SandboxSet)]
        [ValidateRange(0.001, 100000)]
        public double SandboxRateLimit { get; set; }

        /// <summary>Forget every message the sandbox accepted (it remembers them across sessions, per user).</summary>
        [Parameter(ParameterSetName = SandboxSet)]
        public SwitchParameter Reset { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void EndProcessing()
        {
            var channels = Channel is { Length: > 0 }
                ? Channel.Distinct().ToArray()
                : Sandbox ? (OctopodsChannel[])Enum.GetValues(typeof(OctopodsChannel)) : new[] { OctopodsChannel.Sms };

            if (ApiKey != null && ApiKey.Length == 0)
            {
                Runtime.ThrowTerminating(new OctopodsException(ErrorNames.ApiKeyEmpty, OctopodsErrorKind.InvalidArgument,
                    "The API key is empty", "Copy the key from the channel's settings screen in the Octopods app and pass it as -ApiKey (Read-Host -AsSecureString)."), null);
            }

            // Without -BaseUri, each command takes the settings' address (file, OCTOPODS_BASE_URI, default):
            // checked now, so a bad one fails here rather than at the first send.
            Uri? uri;
            Uri shown;
            if (Sandbox)
            {
                uri = shown = SandboxBaseUri;
                OctopodsEmulator emulator;
                try
                {
                    if (Reset)
                    {
                        SessionConnections.Current.ResetSandbox();
                        WriteVerbose("The sandbox forgot every message it had accepted.");
                    }
                    emulator = SessionConnections.Current.Sandbox;
                }
                catch (OctopodsException ex)
                {
                    // Its file is not the sandbox's, or cannot be used: nothing was deleted or written.
                    Runtime.ThrowTerminating(ex, Environment.GetEnvironmentVariable(SandboxStore.PathVariable) ?? (object)SandboxStore.PathVariable);
                    throw;
                }
                emulator.Options.RateLimitPerSecond = MyInvocation.BoundParameters.ContainsKey(nameof(SandboxRateLimit)) ? SandboxRateLimit : (double?)null;
            }
            else
            {
                try
                {
                    uri = BaseUri == null ? null : TransportSecurity.ValidateBaseUri(BaseUri);
                    shown = uri ?? ConnectionResolver.Configuration().Address();
                }
                catch (OctopodsException ex)
                {
                    Runtime.ThrowTerminating(ex, BaseUri ?? (object)ConnectionResolver.BaseUriVariable);
                    return;
                }
            }

            if (SecretName != null)
            {
                // Read once now so a missing secret or locked vault fails here, not in the first send.
                try
                {
                    _ = new SecretVault(this).Read(SecretName, Vault);
                }
                catch (OctopodsException ex)
                {
                    Runtime.ThrowTerminating(ex, SecretName);
                }
            }

            foreach (var channel in channels)
            {
                SecureString? key = null;
                if (SecretName == null)
                {
                    key = ApiKey?.Copy() ?? ToSecure(SandboxKeys.Default);
                    key.MakeReadOnly();
                }
                var connection = new ChannelConnection(channel, uri, key, Sandbox, SecretName, Vault);
                SessionConnections.Current.Set(connection);
                WriteVerbose(Sandbox
                    ? $"{channel}: connected to the in-process sandbox (see Get-Help about_Octopods_Sandbox)."
                    : SecretName != null
                        ? $"{channel}: connected to {shown}; each command reads the key from secret '{SecretName}'."
                        : $"{channel}: connected to {shown}.");
                if (PassThru) WriteObject(connection.Describe(shown));
            }
        }

        /// <summary>The address the sandbox pretends to be, so status URLs look like the real ones.</summary>
        internal static readonly Uri SandboxBaseUri = new Uri("https://sandbox.octopods.invalid/");

        private static SecureString ToSecure(string text)
        {
            var secure = new SecureString();
            foreach (var c in text) secure.AppendChar(c);
            return secure;
        }
    }
}

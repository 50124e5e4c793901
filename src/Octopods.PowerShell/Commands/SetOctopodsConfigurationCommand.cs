using System.Collections.Generic;
using System.Management.Automation;
using Octopods.Errors;
using Octopods.PowerShell.CommandBases;
using Octopods.PowerShell.Completers;
using Octopods.PowerShell.Session;
using Octopods.Settings;

namespace Octopods.PowerShell.Commands
{
    /// <summary>
    /// Writes settings to the user's settings file, where every later command and session finds them:
    /// the address, the proxy and its credentials (a secret's name, or the default credentials; a
    /// PSCredential only for this session), the request timeout and the 429 limits. Values not given
    /// stay as they are. Never writes a key or a password.
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "OctopodsConfiguration", HelpUri = HelpPages.Root + "Set-OctopodsConfiguration.md", SupportsShouldProcess = true, DefaultParameterSetName = SettingsSet)]
    [OutputType(typeof(OctopodsConfiguration))]
    public sealed class SetOctopodsConfigurationCommand : OctopodsCmdlet
    {
        private const string SettingsSet = "Settings";
        private const string SecretSet = "ProxySecret";
        private const string DefaultCredentialsSet = "ProxyDefaultCredentials";
        private const string CredentialSet = "ProxyCredential";

        /// <summary>The service root every command uses without -BaseUri. HTTPS, or http to a loopback address.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? BaseUri { get; set; }

        /// <summary>System (the default), None, or the proxy's address, e.g. http://proxy.corp.example:8080.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ProxyCompleter))]
        public string? Proxy { get; set; }

        /// <summary>The SecretManagement secret (a PSCredential) with the proxy's user name and password; read by every command.</summary>
        [Parameter(Mandatory = true, ParameterSetName = SecretSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(SecretNameCompleter))]
        public string? ProxySecretName { get; set; }

        /// <summary>The vault of -ProxySecretName; the default vault when omitted.</summary>
        [Parameter(ParameterSetName = SecretSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(VaultCompleter))]
        public string? ProxyVault { get; set; }

        /// <summary>Give the proxy the process's own credentials (Windows sign-in: NTLM or Kerberos).</summary>
        [Parameter(Mandatory = true, ParameterSetName = DefaultCredentialsSet)]
        public SwitchParameter ProxyUseDefaultCredentials { get; set; }

        /// <summary>The proxy's user name and password for this session only: never written to the file.</summary>
        [Parameter(Mandatory = true, ParameterSetName = CredentialSet)]
        [ValidateNotNull]
        [Credential]
        public PSCredential? ProxyCredential { get; set; }

        /// <summary>Hosts reached without the proxy address; an empty list removes it.</summary>
        [Parameter]
        [AllowEmptyCollection]
        public string[]? ProxyBypassList { get; set; }

        [Parameter]
        public double RequestTimeoutSeconds { get; set; }

        [Parameter]
        public int MaxRateLimitRetries { get; set; }

        [Parameter]
        public double MaxRateLimitWaitSeconds { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void EndProcessing()
        {
            var path = Runtime.SettingsPath();
            var bound = MyInvocation.BoundParameters;
            var changed = new List<string>();
            var removed = new List<string>();
            OctopodsSettings before, after;
            try
            {
                before = SettingsFile.Load(path);
                after = Change().ApplyTo(before, changed, removed);
                if (ProxyCredential != null && after.Proxy == OctopodsSettings.NoProxy)
                {
                    throw new OctopodsException(ErrorNames.ProxyInvalid, OctopodsErrorKind.InvalidArgument,
                        "A proxy credential was given, but the proxy is None: every request goes directly, to no proxy",
                        "Give a proxy with it (-Proxy System, or its address), or leave -ProxyCredential out.");
                }
            }
            catch (OctopodsException ex)
            {
                Runtime.ThrowTerminating(ex, path);
                return;
            }

            var fileChanges = !after.Equals(before);
            // A credential chosen for the file replaces the one given for the session (which would otherwise
            // win), and no proxy needs none.
            var forgetSessionCredential = ProxyCredential == null && SessionConnections.Current.ProxyCredential != null &&
                (bound.ContainsKey(nameof(ProxySecretName)) || bound.ContainsKey(nameof(ProxyUseDefaultCredentials)) || after.Proxy == OctopodsSettings.NoProxy);
            var sessionChange = ProxyCredential != null || forgetSessionCredential;
            if (!fileChanges && !sessionChange)
            {
                WriteVerbose($"Nothing to change in {path}.");
            }
            else if (ShouldProcess(path, Action(changed, fileChanges, forgetSessionCredential)))
            {
                try
                {
                    // Read the proxy's secret before saving, so a missing secret or a locked vault fails here,
                    // not at the first send; and not under -WhatIf, which touches no vault.
                    if (ProxySecretName != null) _ = new SecretVault(this).ReadProxyCredential(after.ProxySecretName!, after.ProxyVault);
                    if (fileChanges)
                    {
                        SettingsFile.Save(path, after);
                        WriteVerbose($"Saved {string.Join(", ", changed)} to {path}.");
                        if (removed.Count > 0)
                        {
                            WriteVerbose($"Removed {string.Join(" and ", removed)}: " +
                                         (after.Proxy == OctopodsSettings.NoProxy ? "without a proxy nothing uses them." : "the system proxy keeps its own bypass list."));
                        }
                    }
                }
                catch (OctopodsException ex)
                {
                    Runtime.ThrowTerminating(ex, path);
                }
                if (ProxyCredential != null)
                {
                    SessionConnections.Current.ProxyCredential = ProxyCredential;
                    WriteWarning($"The proxy credential for '{ProxyCredential.UserName}' is kept for this session only: the settings file never holds a password. " +
                                 "To keep it, store it in a vault (Set-Secret -Name OctopodsProxy -Secret $credential) and run Set-OctopodsConfiguration -ProxySecretName OctopodsProxy.");
                }
                else if (forgetSessionCredential)
                {
                    SessionConnections.Current.ProxyCredential = null;
                    WriteVerbose("The proxy credential given for this session is forgotten.");
                }
            }
            if (PassThru)
            {
                try
                {
                    WriteObject(ConnectionResolver.Configuration());
                }
                catch (OctopodsException ex)
                {
                    Runtime.ThrowTerminating(ex, path);
                }
            }
        }

        /// <summary>The parameters given, as the core's change to lay over the file (its rules: <see cref="SettingsChange.ApplyTo"/>).</summary>
        private SettingsChange Change()
        {
            var bound = MyInvocation.BoundParameters;
            return new SettingsChange
            {
                BaseUri = BaseUri,
                Proxy = Proxy,
                ProxySecretName = ProxySecretName,
                ProxyVault = ProxyVault,
                ProxyUseDefaultCredentials = bound.ContainsKey(nameof(ProxyUseDefaultCredentials)) ? ProxyUseDefaultCredentials.IsPresent : (bool?)null,
                ProxyBypassList = ProxyBypassList,
                ProxyBypassListGiven = bound.ContainsKey(nameof(ProxyBypassList)),
                RequestTimeoutSeconds = bound.ContainsKey(nameof(RequestTimeoutSeconds)) ? RequestTimeoutSeconds : (double?)null,
                MaxRateLimitRetries = bound.ContainsKey(nameof(MaxRateLimitRetries)) ? MaxRateLimitRetries : (int?)null,
                MaxRateLimitWaitSeconds = bound.ContainsKey(nameof(MaxRateLimitWaitSeconds)) ? MaxRateLimitWaitSeconds : (double?)null,
            };
        }

        private string Action(List<string> changed, bool fileChanges, bool forgetSessionCredential)
        {
            var parts = new List<string>();
            if (fileChanges) parts.Add($"Save {string.Join(", ", changed)} to the Octopods settings file");
            if (ProxyCredential != null) parts.Add($"use the proxy credential for '{ProxyCredential.UserName}' in this session");
            if (forgetSessionCredential) parts.Add("forget the proxy credential given for this session");
            return string.Join("; ", parts);
        }
    }
}

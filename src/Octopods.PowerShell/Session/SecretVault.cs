using System;
using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Net;
using System.Security;
using Octopods.Errors;

namespace Octopods.PowerShell.Session
{
    /// <summary>
    /// Reads channel keys from SecretManagement vaults by invoking
    /// Microsoft.PowerShell.SecretManagement\Get-Secret in the caller's runspace, as PSResourceGet
    /// does. SecretManagement stays optional: it is looked up, never required by the manifest.
    /// Must be called on the pipeline thread (BeginProcessing), never from a worker.
    /// </summary>
    internal sealed class SecretVault
    {
        private const string GetSecretCommand = "Microsoft.PowerShell.SecretManagement\\Get-Secret";
        public const string InstallCommand = "Install-Module Microsoft.PowerShell.SecretManagement, Microsoft.PowerShell.SecretStore -Scope CurrentUser";

        private readonly PSCmdlet _cmdlet;
        private bool? _available;

        public SecretVault(PSCmdlet cmdlet) => _cmdlet = cmdlet;

        /// <summary>True when Get-Secret can be found (imported, or on PSModulePath for autoloading).</summary>
        public bool IsAvailable => _available ??= _cmdlet.InvokeCommand.GetCommand(GetSecretCommand, CommandTypes.Cmdlet | CommandTypes.Function | CommandTypes.Alias) != null;

        /// <summary>The key stored as <paramref name="name"/>, or a named error saying what is wrong and how to fix it.</summary>
        /// <param name="quiet">A probe for the default secret: SecretManagement's own warnings (such as "no extension vaults registered") are not shown.</param>
        public string Read(string name, string? vault, bool quiet = false)
        {
            var value = Fetch(name, vault, quiet, Purpose.Key);
            switch (value)
            {
                case SecureString secure when secure.Length > 0:
                    return ConnectionResolver.Reveal(secure);
                case string text when text.Trim().Length > 0:
                    return text;
                case PSCredential credential when credential.Password.Length > 0:
                    return ConnectionResolver.Reveal(credential.Password);
                default:
                    throw new OctopodsException(ErrorNames.SecretWrongType, OctopodsErrorKind.InvalidArgument,
                        $"Secret '{name}' in {Where(vault)} is a {Describe(value!)}, not a key",
                        $"Store the key as a SecureString, a string or a PSCredential whose password is the key: Set-Secret -Name {name} -Secret (Read-Host -AsSecureString){VaultArgument(vault)}.");
            }
        }

        /// <summary>The proxy's user name and password, stored as a PSCredential named <paramref name="name"/>.</summary>
        public NetworkCredential ReadProxyCredential(string name, string? vault)
        {
            var value = Fetch(name, vault, quiet: false, Purpose.ProxyCredential);
            if (value is PSCredential credential && credential.Password.Length > 0) return credential.GetNetworkCredential();
            throw new OctopodsException(ErrorNames.SecretWrongType, OctopodsErrorKind.InvalidArgument,
                $"Secret '{name}' in {Where(vault)} is a {(value is PSCredential ? "PSCredential without a password" : Describe(value!))}, not the proxy's user name and password",
                $"Store them as a PSCredential: Set-Secret -Name {name} -Secret (Get-Credential){VaultArgument(vault)}.");
        }

        /// <summary>What a secret is read for, in the words of the errors.</summary>
        private sealed class Purpose
        {
            public static readonly Purpose Key = new Purpose("The key", "Store the channel key once", "(Read-Host -AsSecureString)", "pass the key with -ApiKey");
            public static readonly Purpose ProxyCredential = new Purpose("The proxy credential", "Store the proxy's user name and password once", "(Get-Credential)",
                "give them for this session with Set-OctopodsConfiguration -ProxyCredential (Get-Credential)");

            private Purpose(string subject, string store, string secret, string instead)
            {
                Subject = subject;
                Store = store;
                Secret = secret;
                Instead = instead;
            }

            public string Subject { get; }
            public string Store { get; }
            public string Secret { get; }
            public string Instead { get; }
        }

        /// <summary>The secret's value (never null or empty), or the named error for a missing module, vault, secret or a locked store.</summary>
        private object Fetch(string name, string? vault, bool quiet, Purpose purpose)
        {
            var where = Where(vault);
            if (!IsAvailable)
            {
                throw new OctopodsException(ErrorNames.SecretManagementMissing, OctopodsErrorKind.InvalidArgument,
                    $"{purpose.Subject} is to come from secret '{name}' in {where}, but the SecretManagement module is not installed",
                    $"Install it and register a vault ({InstallCommand}; Register-SecretVault -Name Octopods -ModuleName Microsoft.PowerShell.SecretStore -DefaultVault), or {purpose.Instead}.");
            }

            Collection<PSObject> results;
            var errors = _cmdlet.SessionState.PSVariable.GetValue("Error") as System.Collections.ArrayList;
            var errorsBefore = errors?.Count ?? 0;
            try
            {
                results = _cmdlet.InvokeCommand.InvokeScript(
                    "param($Name, $Vault, $Command, $Warning) if ($Vault) { & $Command -Name $Name -Vault $Vault -ErrorAction Stop -WarningAction $Warning } " +
                    "else { & $Command -Name $Name -ErrorAction Stop -WarningAction $Warning }",
                    false, System.Management.Automation.Runspaces.PipelineResultTypes.None, null, name, vault ?? "", GetSecretCommand,
                    quiet ? "SilentlyContinue" : "Continue");
            }
            catch (RuntimeException ex)
            {
                // Get-Secret's own record is not the user's error: ours says what it means. Left in
                // $Error, every channel without a secret would add one to each Get-OctopodsConnection.
                if (errors != null)
                {
                    for (var added = errors.Count - errorsBefore; added > 0 && errors.Count > 0; added--) errors.RemoveAt(0);
                    // A full $Error ($MaximumErrorCount) does not grow: the newest record is then the one to drop.
                    if (errors.Count == errorsBefore && errors.Count > 0 && ReferenceEquals(errors[0], ex.ErrorRecord)) errors.RemoveAt(0);
                }
                throw Describe(ex, name, vault, where, purpose);
            }

            var value = results.Count > 0 ? results[0]?.BaseObject : null;
            if (value == null) throw NotFound(name, vault, where, $"Get-Secret returned nothing for '{name}' in {where}", purpose);
            return value;
        }

        private static OctopodsException Describe(RuntimeException ex, string name, string? vault, string where, Purpose purpose)
        {
            // Only the vault's own words are kept (never a value): they say what went wrong. Inner
            // exceptions count too: SecretManagement may wrap the extension vault's reason.
            var text = Messages(ex.ErrorRecord?.Exception ?? ex);
            if (text.IndexOf("password is required", StringComparison.OrdinalIgnoreCase) >= 0 ||
                text.IndexOf("Unlock-SecretStore", StringComparison.OrdinalIgnoreCase) >= 0 ||
                text.IndexOf("locked", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                return new OctopodsException(ErrorNames.VaultLocked, OctopodsErrorKind.Authentication,
                    $"Could not read secret '{name}': {where} is locked ({FirstLine(text)})",
                    "Unlock it first: Unlock-SecretStore -Password $password (a scheduled job reads that password from a protected file; see Get-Help about_Octopods_Authentication), " +
                    "or configure the store for jobs with Set-SecretStoreConfiguration -Authentication None -Interaction None.");
            }
            if (text.IndexOf("was not found", StringComparison.OrdinalIgnoreCase) >= 0 ||
                text.IndexOf("not found", StringComparison.OrdinalIgnoreCase) >= 0 && text.IndexOf("secret", StringComparison.OrdinalIgnoreCase) >= 0)
                return NotFound(name, vault, where, FirstLine(text), purpose);
            return new OctopodsException(ErrorNames.SecretVaultError, OctopodsErrorKind.InvalidArgument,
                $"Could not read secret '{name}' from {where}: {FirstLine(text)}",
                $"Check the vault with Test-SecretVault and Get-SecretVault, or {purpose.Instead}.", ex);
        }

        private static string Messages(Exception exception)
        {
            var parts = new System.Collections.Generic.List<string>();
            for (var e = exception; e != null && parts.Count < 5; e = e.InnerException)
            {
                if (!parts.Contains(e.Message)) parts.Add(e.Message);
            }
            return string.Join("\n", parts);
        }

        private static OctopodsException NotFound(string name, string? vault, string where, string detail, Purpose purpose) =>
            new OctopodsException(ErrorNames.SecretNotFound, OctopodsErrorKind.NotFound,
                $"There is no secret '{name}' in {where} ({detail.TrimEnd('.')})",
                $"{purpose.Store}: Set-Secret -Name {name} -Secret {purpose.Secret}{VaultArgument(vault)}.");

        private static string Where(string? vault) => vault == null ? "the default vault" : $"vault '{vault}'";

        private static string VaultArgument(string? vault) => vault == null ? "" : $" -Vault {vault}";

        private static string FirstLine(string text)
        {
            var line = text.Split('\n')[0].Trim();
            return line.Length == 0 ? text.Trim() : line;
        }

        private static string Describe(object value) => value is PSObject ps ? ps.BaseObject.GetType().Name : value.GetType().Name;
    }
}

using System;
using System.Collections.ObjectModel;
using System.Management.Automation;
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
            var where = vault == null ? "the default vault" : $"vault '{vault}'";
            if (!IsAvailable)
            {
                throw new OctopodsException(ErrorNames.SecretManagementMissing, OctopodsErrorKind.InvalidArgument,
                    $"The key is to come from secret '{name}' in {where}, but the SecretManagement module is not installed",
                    $"Install it and register a vault ({InstallCommand}; Register-SecretVault -Name Octopods -ModuleName Microsoft.PowerShell.SecretStore -DefaultVault), or pass the key with -ApiKey.");
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
                }
                throw Describe(ex, name, vault, where);
            }

            var value = results.Count > 0 ? results[0]?.BaseObject : null;
            switch (value)
            {
                case SecureString secure when secure.Length > 0:
                    return ConnectionResolver.Reveal(secure);
                case string text when text.Trim().Length > 0:
                    return text;
                case PSCredential credential when credential.Password.Length > 0:
                    return ConnectionResolver.Reveal(credential.Password);
                case null:
                    throw NotFound(name, vault, where, $"Get-Secret returned nothing for '{name}' in {where}");
                default:
                    throw new OctopodsException(ErrorNames.SecretWrongType, OctopodsErrorKind.InvalidArgument,
                        $"Secret '{name}' in {where} is a {Describe(value)}, not a key",
                        $"Store the key as a SecureString, a string or a PSCredential whose password is the key: Set-Secret -Name {name} -Secret (Read-Host -AsSecureString){VaultArgument(vault)}.");
            }
        }

        private static OctopodsException Describe(RuntimeException ex, string name, string? vault, string where)
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
                return NotFound(name, vault, where, FirstLine(text));
            return new OctopodsException(ErrorNames.SecretVaultError, OctopodsErrorKind.InvalidArgument,
                $"Could not read secret '{name}' from {where}: {FirstLine(text)}",
                "Check the vault with Test-SecretVault and Get-SecretVault, or pass the key with -ApiKey.", ex);
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

        private static OctopodsException NotFound(string name, string? vault, string where, string detail) =>
            new OctopodsException(ErrorNames.SecretNotFound, OctopodsErrorKind.NotFound,
                $"There is no secret '{name}' in {where} ({detail.TrimEnd('.')})",
                $"Store the channel key once: Set-Secret -Name {name} -Secret (Read-Host -AsSecureString){VaultArgument(vault)}.");

        private static string VaultArgument(string? vault) => vault == null ? "" : $" -Vault {vault}";

        private static string FirstLine(string text)
        {
            var line = text.Split('\n')[0].Trim();
            return line.Length == 0 ? text.Trim() : line;
        }

        private static string Describe(object value) => value is PSObject ps ? ps.BaseObject.GetType().Name : value.GetType().Name;
    }
}

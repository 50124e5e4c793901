using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using Octopods.PowerShell.Session;

namespace Octopods.PowerShell.Infrastructure
{
    /// <summary>
    /// Tab completion for -Vault from the registered SecretManagement vaults. Get-SecretVault reads
    /// only the registry, never a vault, so completing cannot trigger a password prompt.
    /// </summary>
    public sealed class VaultCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var prefix = (wordToComplete ?? "").Trim('\'', '"');
            List<string> names;
            try
            {
                using var shell = System.Management.Automation.PowerShell.Create(RunspaceMode.CurrentRunspace);
                shell.AddScript("if (Get-Command -Name Microsoft.PowerShell.SecretManagement\\Get-SecretVault -ErrorAction Ignore) { " +
                                "Microsoft.PowerShell.SecretManagement\\Get-SecretVault -ErrorAction Ignore | ForEach-Object { $_.Name } }");
                names = shell.Invoke().Select(o => o?.ToString() ?? "").Where(n => n.Length > 0).ToList();
            }
            catch (Exception)
            {
                return Enumerable.Empty<CompletionResult>();   // completion must never throw at the user
            }
            return names
                .Where(name => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .OrderBy(name => name, StringComparer.OrdinalIgnoreCase)
                .Select(name => new CompletionResult(Quote(name), name, CompletionResultType.ParameterValue, name));
        }

        private static readonly char[] NeedQuotes = { ' ', '\'', '"', '$', '`', ';', '(', ')' };

        internal static string Quote(string text) => text.IndexOfAny(NeedQuotes) >= 0 ? $"'{text.Replace("'", "''")}'" : text;
    }

    /// <summary>
    /// Tab completion for -SecretName with the default secret names (Octopods.Sms, ...) of the
    /// command's channel. Secret names are not listed from the vault: that could prompt for its password.
    /// </summary>
    public sealed class SecretNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var prefix = (wordToComplete ?? "").Trim('\'', '"');
            // The channel is in the command's name (Send-OctopodsSms), or in Connect-Octopods -Channel.
            var hint = (commandName ?? "") + " " + string.Join(" ", Flatten(fakeBoundParameters?["Channel"]));
            var channels = ((OctopodsChannel[])Enum.GetValues(typeof(OctopodsChannel)))
                .Where(c => hint.IndexOf(c.ToString(), StringComparison.OrdinalIgnoreCase) >= 0)
                .ToList();
            if (channels.Count == 0) channels = ((OctopodsChannel[])Enum.GetValues(typeof(OctopodsChannel))).ToList();
            return channels
                .Select(ConnectionResolver.DefaultSecretName)
                .Where(name => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .Select(name => new CompletionResult(name, name, CompletionResultType.ParameterValue, "The default secret name for this channel's key"));
        }

        private static IEnumerable<string> Flatten(object? value) =>
            value is IEnumerable items && !(value is string)
                ? items.Cast<object?>().Select(item => item?.ToString() ?? "")
                : new[] { value?.ToString() ?? "" };
    }
}

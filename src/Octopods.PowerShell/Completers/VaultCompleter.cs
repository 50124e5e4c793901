using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace Octopods.PowerShell.Completers
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
}

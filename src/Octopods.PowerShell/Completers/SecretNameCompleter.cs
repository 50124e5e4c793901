using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;
using System.Threading.Tasks;
using Octopods.PowerShell.Session;

namespace Octopods.PowerShell.Completers
{
    /// <summary>
    /// Tab completion for -SecretName: the default secret names (Octopods.Sms, ...) of the command's
    /// channel first, then the names in the vault of the command's -Vault (or the default vault).
    /// Names only, from Get-SecretInfo (metadata; Get-Secret is never called). The vault is asked in a
    /// runspace of its own, without a host, so a locked vault cannot prompt, and for at most
    /// <see cref="Patience"/>: a locked or slow vault leaves the default names.
    /// </summary>
    public sealed class SecretNameCompleter : IArgumentCompleter
    {
        internal static readonly TimeSpan Patience = TimeSpan.FromSeconds(2);

        // One runspace kept between completions: importing SecretManagement is most of the cost.
        private static readonly object Gate = new object();
        private static Runspace? _runspace;
        private static Task<List<string>>? _asking;

        private const string ListScript =
            "param($Vault) $ErrorActionPreference = 'Stop'; " +
            "if (-not (Get-Command -Name Microsoft.PowerShell.SecretManagement\\Get-SecretInfo -ErrorAction Ignore)) { return }; " +
            "if (-not $Vault) { $Vault = Microsoft.PowerShell.SecretManagement\\Get-SecretVault | Where-Object IsDefault | ForEach-Object Name | Select-Object -First 1 }; " +
            "if ($Vault) { Microsoft.PowerShell.SecretManagement\\Get-SecretInfo -Vault $Vault -WarningAction Ignore | ForEach-Object Name }";

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
            var defaults = channels.Select(ConnectionResolver.DefaultSecretName).ToList();

            var vault = Flatten(fakeBoundParameters?["Vault"]).FirstOrDefault(v => v.Trim().Length > 0)?.Trim('\'', '"');
            var stored = VaultNames(vault)
                .Where(name => !defaults.Contains(name, StringComparer.OrdinalIgnoreCase))
                .OrderBy(name => name, StringComparer.OrdinalIgnoreCase);

            var where = string.IsNullOrEmpty(vault) ? "the default vault" : $"vault '{vault}'";
            return defaults
                .Where(name => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .Select(name => new CompletionResult(name, name, CompletionResultType.ParameterValue, "The default secret name for this channel's key"))
                .Concat(stored
                    .Where(name => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                    .Select(name => new CompletionResult(VaultCompleter.Quote(name), name, CompletionResultType.ParameterValue, $"A secret in {where}")))
                .ToList();
        }

        /// <summary>The secret names of <paramref name="vault"/> (null: the default vault), or none when it cannot tell within <see cref="Patience"/>.</summary>
        internal static IReadOnlyList<string> VaultNames(string? vault)
        {
            // Opening the runspace counts against the patience too; a late answer is dropped, its runspace then kept for the next Tab.
            Task<List<string>> asking;
            lock (Gate)
            {
                // SecretManagement runs every vault call in one runspace of its own: while a vault is still
                // answering an earlier Tab, asking again could only fail, after a wait.
                if (_asking != null && !_asking.IsCompleted) return Array.Empty<string>();
                _asking = asking = Task.Run(() => Ask(vault));
            }
            try
            {
                if (asking.Wait(Patience)) return asking.Result;
                return Array.Empty<string>();
            }
            catch (AggregateException)
            {
                return Array.Empty<string>();   // a locked vault, no SecretManagement: completion must never throw at the user
            }
        }

        private static List<string> Ask(string? vault)
        {
            Runspace? runspace;
            lock (Gate)
            {
                // Taken while in use: a completion typed meanwhile opens its own.
                runspace = _runspace;
                _runspace = null;
            }
            runspace ??= OpenRunspace();
            try
            {
                using var shell = System.Management.Automation.PowerShell.Create();
                shell.Runspace = runspace;
                shell.AddScript(ListScript).AddArgument(vault ?? "");
                return shell.Invoke()
                    .Select(o => o?.BaseObject as string ?? "")
                    .Where(name => name.Length > 0)
                    .Distinct(StringComparer.OrdinalIgnoreCase)
                    .ToList();
            }
            finally
            {
                lock (Gate)
                {
                    if (_runspace == null && runspace.RunspaceStateInfo.State == RunspaceState.Opened) _runspace = runspace;
                    else runspace.Dispose();
                }
            }
        }

        private static Runspace OpenRunspace()
        {
            // No host: a vault that wants its password fails instead of prompting in the middle of a Tab.
            var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
            runspace.Open();
            return runspace;
        }

        private static IEnumerable<string> Flatten(object? value) =>
            value is IEnumerable items && !(value is string)
                ? items.Cast<object?>().Select(item => item?.ToString() ?? "")
                : new[] { value?.ToString() ?? "" };
    }
}

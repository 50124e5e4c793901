using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using Octopods.Errors;
using Octopods.Settings;

namespace Octopods.PowerShell.Completers
{
    /// <summary>Tab completion for -Proxy: System, None, and the address the settings file holds now.</summary>
    public sealed class ProxyCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var prefix = (wordToComplete ?? "").Trim('\'', '"');
            var choices = new List<(string Value, string Tip)>
            {
                (OctopodsSettings.SystemProxy, "The operating system's proxy (HTTPS_PROXY and NO_PROXY, or Internet Options on Windows): the default"),
                (OctopodsSettings.NoProxy, "No proxy: every request goes directly to the service"),
            };
            try
            {
                var current = SettingsFile.Load(SettingsFile.CurrentPath());
                if (current.HasProxyAddress) choices.Add((current.Proxy!, "The proxy address the settings file holds now"));
            }
            catch (OctopodsException)
            {
                // A settings file that cannot be read offers nothing more; completion must never throw at the user.
            }
            return choices
                .Where(choice => choice.Value.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .Select(choice => new CompletionResult(choice.Value, choice.Value, CompletionResultType.ParameterValue, choice.Tip));
        }
    }
}

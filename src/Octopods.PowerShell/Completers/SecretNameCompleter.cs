using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using Octopods.PowerShell.Session;

namespace Octopods.PowerShell.Completers
{
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

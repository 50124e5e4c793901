using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Threading;
using System.Threading.Tasks;
using Octopods.Http;
using Octopods.PowerShell.Session;
using Octopods.Templates;
using Octopods.Viber;
using Octopods.WhatsApp;

namespace Octopods.PowerShell.Completers
{
    /// <summary>
    /// Tab completion for -TemplateId from the templates of the session's connection (the sandbox
    /// included). The send commands offer accepted templates only. Completion never prompts and
    /// gives up after a few seconds, offering nothing rather than an error.
    /// </summary>
    public sealed class TemplateIdCompleter : IArgumentCompleter
    {
        private static readonly TimeSpan Patience = TimeSpan.FromSeconds(3);

        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var channel = (commandName ?? "").IndexOf("Viber", StringComparison.OrdinalIgnoreCase) >= 0 ? OctopodsChannel.Viber : OctopodsChannel.WhatsApp;
            var options = ConnectionResolver.ForCompletion(channel) is { } found ? found with { RequestTimeout = Patience } : null;
            if (options == null) return Array.Empty<CompletionResult>();

            IReadOnlyList<MessageTemplate> templates;
            try
            {
                var client = new OctopodsClient(options);
                using var cts = new CancellationTokenSource(Patience);
                Task<IReadOnlyList<MessageTemplate>> fetch = channel == OctopodsChannel.Viber
                    ? Task.Run(() => new ViberApi(client).GetTemplatesAsync(null, cts.Token))
                    : Task.Run(() => new WhatsAppApi(client).GetTemplatesAsync(null, cts.Token));
                if (!fetch.Wait(Patience + TimeSpan.FromSeconds(1))) return Array.Empty<CompletionResult>();
                templates = fetch.Result;
            }
            catch (Exception)
            {
                return Array.Empty<CompletionResult>();
            }

            var sending = (commandName ?? "").StartsWith("Send-", StringComparison.OrdinalIgnoreCase);
            var word = (wordToComplete ?? "").Trim('\'', '"');
            return templates
                .Where(t => !sending || t.Status == null || t.IsAccepted)
                .Where(t => word.Length == 0 || t.TemplateId.StartsWith(word, StringComparison.OrdinalIgnoreCase) ||
                            (t.Name ?? "").IndexOf(word, StringComparison.OrdinalIgnoreCase) >= 0)
                .OrderBy(t => t.TemplateId, StringComparer.Ordinal)
                .Select(t => new CompletionResult(t.TemplateId, $"{t.TemplateId} {t.Name}", CompletionResultType.ParameterValue,
                    $"{t.Name} ({t.Language}, {t.Status}): header {t.HeaderVariables}, body {t.BodyVariables}, footer {t.FooterVariables}, buttons {t.ButtonVariables} variable(s). {t.Body}"));
        }
    }
}

using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Octopods.Errors;

namespace Octopods.Templates
{
    /// <summary>
    /// Checks template sends against their templates before any is sent, reading each template once
    /// per command invocation (a bulk send of one template costs one extra GET). Definite answers are
    /// remembered, a template that does not exist included; after a timeout, 429 or 5xx the next row
    /// asks again.
    /// </summary>
    internal sealed class TemplateCheck
    {
        private readonly ITemplateSource _source;
        // One read per template id even when rows are checked concurrently.
        private readonly Dictionary<string, Task<Lookup>> _known = new Dictionary<string, Task<Lookup>>(StringComparer.Ordinal);

        public TemplateCheck(ITemplateSource source) => _source = source ?? throw new ArgumentNullException(nameof(source));

        /// <summary>How many times a template was read from the service.</summary>
        public int Reads { get; private set; }

        public async Task<TemplateCheckResult> CheckAsync(TemplateSendRequest request, CancellationToken cancellationToken)
        {
            if (request == null) throw new ArgumentNullException(nameof(request));
            var lookup = await LookupAsync(request.TemplateId, cancellationToken).ConfigureAwait(false);
            if (lookup.Template != null)
            {
                try
                {
                    request.CheckAgainst(lookup.Template);
                    return TemplateCheckResult.Passed(lookup.Template);
                }
                catch (OctopodsException mismatch)
                {
                    return TemplateCheckResult.Refused(lookup.Template, mismatch);
                }
            }
            var error = lookup.Error!;
            if (!lookup.DoesNotExist) return TemplateCheckResult.Unchecked(error);
            return TemplateCheckResult.Refused(null, new OctopodsException(ErrorNames.TemplateNotExist, OctopodsErrorKind.NotFound,
                $"Template {request.TemplateId} does not exist for this {request.Channel} channel ({error.Detail.TrimEnd('.')}{(error.RequestId != null ? ", request_id " + error.RequestId : "")}); nothing was sent to {request.DestinationPhone}",
                $"Check -TemplateId: Get-Octopods{request.Channel}Template lists the channel's templates."));
        }

        private async Task<Lookup> LookupAsync(string templateId, CancellationToken cancellationToken)
        {
            Task<Lookup> pending;
            lock (_known)
            {
                if (!_known.TryGetValue(templateId, out pending!))
                {
                    Reads++;
                    _known[templateId] = pending = ReadAsync(templateId, cancellationToken);
                }
            }
            var lookup = await pending.ConfigureAwait(false);
            if (lookup.Template == null && !lookup.DoesNotExist)
            {
                lock (_known)
                {
                    if (_known.TryGetValue(templateId, out var current) && current == pending) _known.Remove(templateId);
                }
            }
            return lookup;
        }

        private async Task<Lookup> ReadAsync(string templateId, CancellationToken cancellationToken)
        {
            try
            {
                return new Lookup(await _source.GetTemplateAsync(templateId, cancellationToken).ConfigureAwait(false), null);
            }
            catch (OctopodsException ex)
            {
                return new Lookup(null, ex);
            }
        }

        /// <summary>What reading a template found: the template, or why it is not known.</summary>
        private sealed class Lookup
        {
            public Lookup(MessageTemplate? template, OctopodsException? error)
            {
                Template = template;
                Error = error;
            }

            public MessageTemplate? Template { get; }
            public OctopodsException? Error { get; }

            /// <summary>The service said the template does not exist: a send would be refused with code 3.</summary>
            public bool DoesNotExist => Error != null && (Error.ErrorName == ErrorNames.TemplateNotExist || Error.Kind == OctopodsErrorKind.NotFound);
        }
    }
}

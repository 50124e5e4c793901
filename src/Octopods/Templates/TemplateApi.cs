using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Octopods.Errors;
using Octopods.Http;

namespace Octopods.Templates
{
    /// <summary>The listing filters: status (WhatsApp only), active, lang ("en" matches en_GB and en_US).</summary>
    public sealed class TemplateQuery
    {
        public string? Status { get; set; }
        public bool? Active { get; set; }
        public string? Language { get; set; }

        internal string ToQueryString()
        {
            var parts = new List<string>();
            if (!string.IsNullOrWhiteSpace(Status)) parts.Add("status=" + Uri.EscapeDataString(Status!.Trim().ToLowerInvariant()));
            if (Active.HasValue) parts.Add("active=" + (Active.Value ? "true" : "false"));
            if (!string.IsNullOrWhiteSpace(Language)) parts.Add("lang=" + Uri.EscapeDataString(Language!.Trim()));
            return parts.Count == 0 ? "" : "?" + string.Join("&", parts);
        }
    }

    /// <summary>GET …/templates and …/templates/{id}, the same for WhatsApp and VBM.</summary>
    internal static class TemplateApi
    {
        public static async Task<IReadOnlyList<MessageTemplate>> ListAsync(OctopodsClient client, string family, TemplateQuery? query, CancellationToken cancellationToken)
        {
            var response = await client.GetAsync($"api/v1/{family}/templates{(query ?? new TemplateQuery()).ToQueryString()}", ApiOperation.Templates, cancellationToken).ConfigureAwait(false);
            return MessageTemplate.ListFromJson(response.Root, client.Options.Channel);
        }

        public static async Task<MessageTemplate> GetAsync(OctopodsClient client, string family, string templateId, CancellationToken cancellationToken)
        {
            var id = (templateId ?? "").Trim();
            if (id.Length == 0)
            {
                throw new OctopodsException(ErrorNames.ArgumentMissing, OctopodsErrorKind.InvalidArgument,
                    "The template id is empty", $"Give -TemplateId; Get-Octopods{client.Options.Channel}Template without it lists them all.");
            }
            ApiResponse response;
            try
            {
                response = await client.GetAsync($"api/v1/{family}/templates/{Uri.EscapeDataString(id)}", ApiOperation.Templates, cancellationToken).ConfigureAwait(false);
            }
            catch (OctopodsException ex) when (ex.ErrorName == ErrorNames.MessageNotFound)
            {
                // A bare 404 names a missing message in the client's vocabulary; here it is a missing template.
                throw NotExist(client.Options.Channel, id, ex.RequestId);
            }
            var found = MessageTemplate.ListFromJson(response.Root, client.Options.Channel);
            // An id-less single answer is the template asked for; a list without it proves nothing.
            var template = found.FirstOrDefault(t => t.TemplateId == id) ?? (found.Count == 1 && found[0].TemplateId.Length == 0 ? found[0] : null);
            if (template == null)
            {
                // A 200 in a shape we cannot read is not "does not exist": the rows go out unchecked.
                throw new OctopodsException(ErrorNames.InvalidResponse, OctopodsErrorKind.ProtocolError,
                    $"The answer for template {id} could not be read as that template" + (response.RequestId != null ? $" (request_id {response.RequestId})" : ""),
                    "The sends go ahead without the template's checks; the service still validates them.");
            }
            if (template.TemplateId.Length == 0) template.TemplateId = id;
            return template;
        }

        private static OctopodsException NotExist(OctopodsChannel channel, string id, string? requestId) =>
            new OctopodsException(ErrorNames.TemplateNotExist, OctopodsErrorKind.NotFound,
                $"Template {id} does not exist for this {channel} channel" + (requestId != null ? $" (request_id {requestId})" : ""),
                $"Check -TemplateId: Get-Octopods{channel}Template lists the channel's templates.");
    }

    /// <summary>What looking a template up found: the template, or why it is not known.</summary>
    public sealed class TemplateLookup
    {
        internal TemplateLookup(MessageTemplate? template, OctopodsException? error)
        {
            Template = template;
            Error = error;
        }

        public MessageTemplate? Template { get; }
        public OctopodsException? Error { get; }

        /// <summary>The service said the template does not exist: a send would be refused with code 3.</summary>
        public bool DoesNotExist => Error != null && (Error.ErrorName == ErrorNames.TemplateNotExist || Error.Kind == OctopodsErrorKind.NotFound);
    }

    /// <summary>
    /// Templates fetched once per command invocation, by id, so a bulk send of one template costs one
    /// extra GET. Failures are remembered too: a template that does not exist is not asked for per row.
    /// </summary>
    public sealed class TemplateCache
    {
        private readonly Func<string, CancellationToken, Task<MessageTemplate>> _fetch;
        // One fetch per template id even when rows are checked concurrently.
        private readonly Dictionary<string, Task<TemplateLookup>> _known = new Dictionary<string, Task<TemplateLookup>>(StringComparer.Ordinal);

        public TemplateCache(Func<string, CancellationToken, Task<MessageTemplate>> fetch) => _fetch = fetch ?? throw new ArgumentNullException(nameof(fetch));

        public async Task<TemplateLookup> LookupAsync(string templateId, CancellationToken cancellationToken)
        {
            Task<TemplateLookup> pending;
            lock (_known)
            {
                if (!_known.TryGetValue(templateId, out pending!))
                    _known[templateId] = pending = FetchAsync(templateId, cancellationToken);
            }
            var lookup = await pending.ConfigureAwait(false);
            // Only definite answers are kept: after a timeout, 429 or 5xx the next row asks again.
            if (lookup.Template == null && !lookup.DoesNotExist)
            {
                lock (_known)
                {
                    if (_known.TryGetValue(templateId, out var current) && current == pending) _known.Remove(templateId);
                }
            }
            return lookup;
        }

        private async Task<TemplateLookup> FetchAsync(string templateId, CancellationToken cancellationToken)
        {
            try
            {
                return new TemplateLookup(await _fetch(templateId, cancellationToken).ConfigureAwait(false), null);
            }
            catch (OctopodsException ex)
            {
                return new TemplateLookup(null, ex);
            }
        }

        /// <summary>
        /// Applies what is known about the request's template: the template's checks, or the
        /// service's "does not exist". Returns false when nothing is known (the lookup failed for
        /// another reason) and the send must go ahead unchecked.
        /// </summary>
        public static bool Check(TemplateSendRequest request, TemplateLookup lookup)
        {
            if (lookup.Template != null)
            {
                request.CheckAgainst(lookup.Template);
                return true;
            }
            if (lookup.DoesNotExist)
            {
                var error = lookup.Error!;
                throw new OctopodsException(ErrorNames.TemplateNotExist, OctopodsErrorKind.NotFound,
                    $"Template {request.TemplateId} does not exist for this {request.Channel} channel ({error.Detail.TrimEnd('.')}{(error.RequestId != null ? ", request_id " + error.RequestId : "")}); nothing was sent to {request.DestinationPhone}",
                    $"Check -TemplateId: Get-Octopods{request.Channel}Template lists the channel's templates.");
            }
            return false;
        }
    }
}

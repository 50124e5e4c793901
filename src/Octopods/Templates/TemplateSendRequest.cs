using System;
using Octopods.Errors;
using Octopods.Json;
using Octopods.Phones;

namespace Octopods.Templates
{
    /// <summary>
    /// One validated WhatsApp or Viber template send. Building it (Create, then CheckAgainst a known
    /// template) is separate from sending it (WhatsAppApi / ViberApi), so a bulk engine can build
    /// every row first and send later. Everything the API would reject is rejected here under the API's names.
    /// </summary>
    internal sealed class TemplateSendRequest
    {
        private TemplateSendRequest(OctopodsChannel channel, string templateId, string phone, TemplateVariables variables,
            string? headerUrl, string? userName, bool? openIntercom, string? teammateId)
        {
            Channel = channel;
            TemplateId = templateId;
            DestinationPhone = phone;
            Variables = variables;
            HeaderUrl = headerUrl;
            DestinationUserName = userName;
            OpenIntercomConversation = openIntercom;
            IntercomTeammateId = teammateId;
        }

        public OctopodsChannel Channel { get; }
        public string TemplateId { get; }
        public string DestinationPhone { get; }
        public TemplateVariables Variables { get; }
        /// <summary>header_attachment_url (WhatsApp) or header_image_url (Viber).</summary>
        public string? HeaderUrl { get; }
        public string? DestinationUserName { get; }
        public bool? OpenIntercomConversation { get; }
        public string? IntercomTeammateId { get; }

        public string Path => Channel == OctopodsChannel.Viber
            ? $"api/v1/vbm/templates/{Uri.EscapeDataString(TemplateId)}/messages"
            : $"api/v1/whatsapp/templates/{Uri.EscapeDataString(TemplateId)}/messages";

        private string HeaderField => Channel == OctopodsChannel.Viber ? "header_image_url" : "header_attachment_url";
        private string HeaderParameter => Channel == OctopodsChannel.Viber ? "-HeaderImageUrl" : "-HeaderAttachmentUrl";

        /// <summary>Validates and normalises one send; throws a named <see cref="OctopodsException"/> on bad input.</summary>
        public static TemplateSendRequest Create(OctopodsChannel channel, string? templateId, string? destinationPhone,
            TemplateVariables? variables, string? headerUrl = null, string? destinationUserName = null,
            bool? openIntercomConversation = null, string? intercomTeammateId = null, string? defaultRegion = null)
        {
            if (channel == OctopodsChannel.Sms) throw new ArgumentOutOfRangeException(nameof(channel), "SMS has no templates.");
            var id = Blank(templateId);
            if (id == null)
            {
                throw new OctopodsException(ErrorNames.ArgumentMissing, OctopodsErrorKind.InvalidArgument,
                    "The template id is missing", $"Give -TemplateId (or a TemplateId/template_id column); Get-Octopods{channel}Template lists them.");
            }
            var phone = PhoneNumberNormalizer.Normalize(destinationPhone, defaultRegion);
            variables ??= TemplateVariables.None;
            if (channel == OctopodsChannel.Viber && variables.Shape == TemplateVariablesShape.Sections && variables.Buttons.Count > 0)
            {
                throw new OctopodsException(ErrorNames.TypeMismatch, OctopodsErrorKind.InvalidArgument,
                    $"Viber templates have no button variables (template {id}, {phone})", "Give only header, body and footer variables.");
            }
            var url = Blank(headerUrl);
            if (url != null && !(Uri.TryCreate(url, UriKind.Absolute, out var parsed) && (parsed.Scheme == Uri.UriSchemeHttps || parsed.Scheme == Uri.UriSchemeHttp)))
            {
                throw new OctopodsException(ErrorNames.InvalidHeader, OctopodsErrorKind.InvalidArgument,
                    $"The header URL '{url}' for {phone} is not an http(s) address",
                    $"Give {(channel == OctopodsChannel.Viber ? "-HeaderImageUrl" : "-HeaderAttachmentUrl")} as a full, publicly reachable URL such as https://example.com/banner.jpg.");
            }
            return new TemplateSendRequest(channel, id, phone, variables, url, Blank(destinationUserName), openIntercomConversation, Blank(intercomTeammateId));
        }

        /// <summary>
        /// The checks only a known template allows: it must be accepted, every section must get as many
        /// variables as it has placeholders, an array must not go to a template with non-body
        /// placeholders (the API's code 9), and a media header needs its URL.
        /// </summary>
        public void CheckAgainst(MessageTemplate template)
        {
            var what = $"template {TemplateId} ({template.Name}) for {DestinationPhone}";
            if (template.Status != null && !template.IsAccepted)
            {
                throw new OctopodsException(ErrorNames.TemplateNotAccepted, OctopodsErrorKind.InvalidArgument,
                    $"The {what} is {template.Status}; only accepted templates can be sent",
                    $"Wait until it is accepted, or pick another: Get-Octopods{Channel}Template -Status accepted.");
            }
            if (template.HasMediaHeader && HeaderUrl == null)
            {
                throw new OctopodsException(ErrorNames.ArgumentMissing, OctopodsErrorKind.InvalidArgument,
                    $"The {what} has {Article(template.HeaderFormat!)} {template.HeaderFormat!.ToLowerInvariant()} header but no {HeaderField} was given",
                    $"Give {HeaderParameter} with a publicly reachable URL of the {template.HeaderFormat!.ToLowerInvariant()}.");
            }

            var v = Variables;
            if (v.IsArray && template.HasNonBodyVariables)
            {
                throw new OctopodsException(ErrorNames.VariablesShape, OctopodsErrorKind.InvalidArgument,
                    $"The {what} has placeholders outside the body (header {template.HeaderVariables}, footer {template.FooterVariables}, buttons {template.ButtonVariables}), " +
                    (v.Shape == TemplateVariablesShape.List ? "but only body variables were given (-BodyVariable or -BodyVariableProperty)" : "but -Variables is a plain list"),
                    "Give them by section: -HeaderVariable, -BodyVariable, -FooterVariable" + (Channel == OctopodsChannel.WhatsApp ? ", -ButtonVariable" : "") + " (or the -…VariableProperty forms).");
            }
            // A raw {"1": …} map is passed through unchecked: its keys do not say which section they fill.
            if (v.Shape == TemplateVariablesShape.Raw && !v.IsArray && !v.RawIsSections) return;

            var expected = (template.HeaderVariables, template.BodyVariables, template.FooterVariables, template.ButtonVariables);
            var given = (v.Header.Count, v.Body.Count, v.Footer.Count, v.Buttons.Count);
            if (expected != given)
            {
                throw new OctopodsException(ErrorNames.VariablesSize, OctopodsErrorKind.InvalidArgument,
                    $"The {what} expects {Describe(expected)} variable(s) but got {Describe(given)}",
                    $"Give exactly one value per placeholder in each section (Get-Octopods{Channel}Template -TemplateId {TemplateId} shows them).");
            }
        }

        private string Describe((int header, int body, int footer, int buttons) counts)
        {
            var text = $"header {counts.header}, body {counts.body}, footer {counts.footer}";
            return Channel == OctopodsChannel.WhatsApp ? text + $", buttons {counts.buttons}" : text;
        }

        public byte[] ToJson() => JsonWriting.JsonObject(writer =>
        {
            writer.WriteString("destination_phone", DestinationPhone);
            Variables.WriteTo(writer, withButtons: Channel == OctopodsChannel.WhatsApp);
            if (HeaderUrl != null) writer.WriteString(HeaderField, HeaderUrl);
            if (DestinationUserName != null) writer.WriteString("destination_user_name", DestinationUserName);
            if (OpenIntercomConversation.HasValue) writer.WriteBoolean("open_intercom_conversation", OpenIntercomConversation.Value);
            if (IntercomTeammateId != null) writer.WriteString("intercom_teammate_id", IntercomTeammateId);
        });

        /// <summary>
        /// What makes two sends to one recipient different, for a bulk row's identity (with the channel
        /// and destination): the template id, the variables as canonical JSON and the header URL. Only
        /// its hash reaches the journal. The recipient's name and the Intercom fields are not content.
        /// </summary>
        public string IdentityContent =>
            "template " + TemplateId + "\nvariables " + Variables.CanonicalJson(withButtons: Channel == OctopodsChannel.WhatsApp) +
            "\nheader " + (HeaderUrl ?? "");

        /// <summary><see cref="IdentityContent"/> with each variable as a reader compares it (line ends, spaces, Unicode form).</summary>
        public string ComparableIdentityContent =>
            "template " + TemplateId + "\nvariables " + Variables.CanonicalJson(withButtons: Channel == OctopodsChannel.WhatsApp, comparable: true) +
            "\nheader " + (HeaderUrl ?? "");

        private static string Article(string word) => "AEIOUaeiou".IndexOf(word[0]) >= 0 ? "an" : "a";

        private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text!.Trim();

        public override string ToString() => $"{Channel} template {TemplateId} to {DestinationPhone} ({Variables})";
    }
}

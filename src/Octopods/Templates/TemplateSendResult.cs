using System.Text.Json;
using Octopods.Json;
using Octopods.Phones;

namespace Octopods.Templates
{
    /// <summary>
    /// What the template send commands (WhatsApp, Viber) write about an accepted message: shared
    /// here, the channel adds its own fields.
    /// </summary>
    public abstract class TemplateSendResult
    {
        // Abstract, so each channel declares them in its own order: PowerShell lists a derived
        // class's properties first, and Export-Csv or Select-Object * should still begin with MessageId.
        public abstract string MessageId { get; set; }
        public abstract string TemplateId { get; set; }
        public abstract string? PhoneNumber { get; set; }
        public abstract string? ChannelMessageId { get; set; }
        public abstract string? StatusUrl { get; set; }
        public abstract string? RequestId { get; set; }
        public abstract string? DestinationUserName { get; set; }
        /// <summary>The service's answer as it came (keys redacted): kept off the properties, so
        /// Export-Csv and Format-List * leave this JSON out of a report; read it with GetRawResponse().</summary>
        internal string? RawResponse { get; set; }

        /// <summary>The service's answer as it came (keys redacted), for support or a field the module does not read.</summary>
        public string? GetRawResponse() => RawResponse;
        /// <summary>True when a resumed run found this message already accepted and did not send it again.</summary>
        public abstract bool FromJournal { get; set; }

        /// <summary>Fills the shared fields from the service's answer to the send.</summary>
        private protected void ReadAnswer(JsonElement root, string body, TemplateSendRequest request)
        {
            MessageId = JsonFields.GetId(root, "message_id") ?? "";
            TemplateId = request.TemplateId;
            RequestId = JsonFields.GetId(root, "request_id");
            PhoneNumber = PhoneText.WithPlus(JsonFields.GetString(root, "phone_number")) ?? request.DestinationPhone;
            StatusUrl = JsonFields.GetString(root, "message_status_url");
            ChannelMessageId = JsonFields.GetString(root, "channel_message_id");
            DestinationUserName = request.DestinationUserName;
            RawResponse = body;
        }

        public override string ToString() => $"{MessageId} -> {PhoneNumber}";
    }
}

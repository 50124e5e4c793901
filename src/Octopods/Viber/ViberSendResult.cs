using System.Text.Json;
using Octopods.Json;
using Octopods.Phones;
using Octopods.Templates;

namespace Octopods.Viber
{
    /// <summary>An accepted Viber Business Message: what Send-OctopodsViberTemplate writes. VBM has no status endpoint, so it carries no status.</summary>
    public sealed class ViberSendResult
    {
        public string MessageId { get; set; } = "";
        public string TemplateId { get; set; } = "";
        public string? PhoneNumber { get; set; }
        public string? ChannelMessageId { get; set; }
        public string? StatusUrl { get; set; }
        public string? RequestId { get; set; }
        public string? DestinationUserName { get; set; }
        public string? RawResponse { get; set; }
        /// <summary>True when a resumed run found this message accepted in its journal and did not send it again.</summary>
        public bool FromJournal { get; set; }

        public static ViberSendResult FromJson(JsonElement root, string body, TemplateSendRequest request) => new ViberSendResult
        {
            MessageId = JsonFields.GetString(root, "message_id") ?? "",
            TemplateId = request.TemplateId,
            RequestId = JsonFields.GetString(root, "request_id"),
            PhoneNumber = PhoneText.WithPlus(JsonFields.GetString(root, "phone_number")) ?? request.DestinationPhone,
            StatusUrl = JsonFields.GetString(root, "message_status_url"),
            ChannelMessageId = JsonFields.GetString(root, "channel_message_id"),
            DestinationUserName = request.DestinationUserName,
            RawResponse = body,
        };

        public override string ToString() => $"{MessageId} -> {PhoneNumber}";
    }
}

using System;
using System.Text.Json;
using Octopods.Json;
using Octopods.Phones;
using Octopods.Templates;

namespace Octopods.WhatsApp
{
    /// <summary>An accepted WhatsApp template message: what Send-OctopodsWhatsAppTemplate writes. With -Wait the status fields hold the final state.</summary>
    public sealed class WhatsAppSendResult
    {
        public string MessageId { get; set; } = "";
        public string TemplateId { get; set; } = "";
        public string? PhoneNumber { get; set; }
        public string? Status { get; set; }
        public bool IsTerminal => WhatsAppStatuses.IsTerminal(Status);
        public string? FailureReason { get; set; }
        public string? ChannelMessageId { get; set; }
        public string? StatusUrl { get; set; }
        public string? RequestId { get; set; }
        public string? DestinationUserName { get; set; }
        public DateTimeOffset? SentAt { get; set; }
        public DateTimeOffset? DeliveredAt { get; set; }
        public DateTimeOffset? ReadAt { get; set; }
        public DateTimeOffset? LastUpdated { get; set; }
        public string? StatusMessage { get; set; }
        public string? RawResponse { get; set; }
        /// <summary>True when a resumed run found this message accepted in its journal and did not send it again.</summary>
        public bool FromJournal { get; set; }

        public static WhatsAppSendResult FromJson(JsonElement root, string body, TemplateSendRequest request) => new WhatsAppSendResult
        {
            MessageId = JsonFields.GetString(root, "message_id") ?? "",
            TemplateId = request.TemplateId,
            RequestId = JsonFields.GetString(root, "request_id"),
            PhoneNumber = PhoneText.WithPlus(JsonFields.GetString(root, "phone_number")) ?? request.DestinationPhone,
            StatusUrl = JsonFields.GetString(root, "message_status_url"),
            ChannelMessageId = JsonFields.GetString(root, "channel_message_id"),
            Status = WhatsAppStatuses.Normalize(JsonFields.GetString(root, "status")),
            DestinationUserName = request.DestinationUserName,
            RawResponse = body,
        };

        /// <summary>Takes the state a status poll found.</summary>
        public void Apply(WhatsAppStatus status)
        {
            Status = status.Status;
            StatusMessage = status.StatusMessage;
            FailureReason = status.FailureReason;
            SentAt = status.SentAt;
            DeliveredAt = status.DeliveredAt;
            ReadAt = status.ReadAt;
            LastUpdated = status.LastUpdated;
            PhoneNumber = status.PhoneNumber ?? PhoneNumber;
            ChannelMessageId = status.ChannelMessageId ?? ChannelMessageId;
        }

        public override string ToString() => $"{MessageId} -> {PhoneNumber}";
    }
}

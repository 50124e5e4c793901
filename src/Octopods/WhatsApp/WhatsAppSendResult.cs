using System;
using System.Text.Json;
using Octopods.Json;
using Octopods.Polling;
using Octopods.Templates;

namespace Octopods.WhatsApp
{
    /// <summary>An accepted WhatsApp template message: what Send-OctopodsWhatsAppTemplate writes. With -Wait the status fields hold the final state.</summary>
    public sealed class WhatsAppSendResult : TemplateSendResult, IFollowedMessage<WhatsAppStatus>, Bulk.IInputRowResult
    {
        public override string MessageId { get; set; } = "";
        public override string TemplateId { get; set; } = "";
        public override string? PhoneNumber { get; set; }
        public string? Status { get; set; }
        public bool IsTerminal => WhatsAppStatuses.IsTerminal(Status);
        public string? FailureReason { get; set; }
        public override string? ChannelMessageId { get; set; }
        public override string? StatusUrl { get; set; }
        public override string? RequestId { get; set; }
        public override string? DestinationUserName { get; set; }
        public DateTimeOffset? SentAt { get; set; }
        public DateTimeOffset? DeliveredAt { get; set; }
        public DateTimeOffset? ReadAt { get; set; }
        public DateTimeOffset? LastUpdated { get; set; }
        public string? StatusMessage { get; set; }
        public override bool FromJournal { get; set; }
        /// <summary>The position of the input row it was sent for (1 for the first row piped in); empty for a typed command.</summary>
        public long? InputRow { get; set; }

        internal static WhatsAppSendResult FromJson(JsonElement root, string body, TemplateSendRequest request)
        {
            var result = new WhatsAppSendResult { Status = WhatsAppStatuses.Normalize(JsonFields.GetString(root, "status")) };
            result.ReadAnswer(root, body, request);
            return result;
        }

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

    }
}

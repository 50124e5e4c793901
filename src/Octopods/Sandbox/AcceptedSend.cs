using System;

namespace Octopods.Sandbox
{
    /// <summary>One send the emulator accepted: the ledger tests use to prove nothing was sent twice.</summary>
    internal sealed class AcceptedSend
    {
        internal AcceptedSend(OctopodsChannel channel, string messageId, string destination, string content, DateTimeOffset acceptedAt, string requestId)
        {
            Channel = channel;
            MessageId = messageId;
            DestinationPhone = destination;
            Content = content;
            AcceptedAt = acceptedAt;
            RequestId = requestId;
        }

        public OctopodsChannel Channel { get; }
        public string MessageId { get; }
        public string DestinationPhone { get; }
        public string Content { get; }
        public DateTimeOffset AcceptedAt { get; }
        public string RequestId { get; }

        /// <summary>The hash of the key that sent it (<see cref="SandboxStore.KeyHash"/>): a WhatsApp listing is per key.</summary>
        internal string KeyHash { get; set; } = "";

        /// <summary>The template sent (WhatsApp, Viber), to restore the message in another process.</summary>
        internal string? TemplateId { get; set; }

        internal bool OpenConversation { get; set; }
    }
}

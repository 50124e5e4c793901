using System.Text.Json;
using Octopods.Templates;

namespace Octopods.Viber
{
    /// <summary>An accepted Viber Business Message: what Send-OctopodsViberTemplate writes. VBM has no status endpoint, so it carries no status.</summary>
    public sealed class ViberSendResult : TemplateSendResult, Bulk.IInputRowResult
    {
        public override string MessageId { get; set; } = "";
        public override string TemplateId { get; set; } = "";
        public override string? PhoneNumber { get; set; }
        public override string? ChannelMessageId { get; set; }
        public override string? StatusUrl { get; set; }
        public override string? RequestId { get; set; }
        public override string? DestinationUserName { get; set; }
        public override bool FromJournal { get; set; }
        /// <summary>The position of the input row it was sent for (1 for the first row piped in); empty for a typed command.</summary>
        public long? InputRow { get; set; }

        internal static ViberSendResult FromJson(JsonElement root, string body, TemplateSendRequest request)
        {
            var result = new ViberSendResult();
            result.ReadAnswer(root, body, request);
            return result;
        }
    }
}

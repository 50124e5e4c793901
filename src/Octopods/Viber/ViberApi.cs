using System.Text.Json;
using Octopods.Http;
using Octopods.Templates;

namespace Octopods.Viber
{
    /// <summary>The VBM endpoints over an <see cref="OctopodsClient"/> holding a VBM channel key: template send and reads. There is no status endpoint.</summary>
    internal sealed class ViberApi : TemplateChannelApi<ViberSendResult>
    {
        public ViberApi(OctopodsClient client) : base(client, OctopodsChannel.Viber, "vbm")
        {
        }

        protected override ViberSendResult ReadSendAnswer(JsonElement root, string body, TemplateSendRequest request) =>
            ViberSendResult.FromJson(root, body, request);
    }
}

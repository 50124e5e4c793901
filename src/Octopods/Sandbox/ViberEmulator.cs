using System;

namespace Octopods.Sandbox
{
    /// <summary>The VBM family: template sends and template listing. VBM has no status endpoint.</summary>
    internal sealed class ViberEmulator : TemplateFamilyEmulator
    {
        public ViberEmulator(OctopodsEmulator emulator) : base(emulator, SandboxTemplates.ViberSeed()) { }

        public override OctopodsChannel Channel => OctopodsChannel.Viber;
        public override string PathPrefix => "/api/v1/vbm";
        protected override string HeaderField => "header_image_url";
        protected override bool WithButtons => false;
        protected override bool ListsAllStatuses => false;

        protected override bool HasStatusEndpoint => false;

        protected override void Accepted(string key, string id, string phone, SandboxTemplate template, string content, DateTimeOffset at, bool openConversation) { }
    }
}

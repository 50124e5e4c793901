using System.Management.Automation;
using Octopods.Errors;
using Octopods.PowerShell.CommandBases;
using Octopods.WhatsApp;

namespace Octopods.PowerShell.Commands
{
    /// <summary>The most recent messages this WhatsApp key sent through the API. A key that never sent gives nothing, not an error.</summary>
    [Cmdlet(VerbsCommon.Get, "OctopodsWhatsAppMessage", HelpUri = HelpPages.Root + "Get-OctopodsWhatsAppMessage.md", DefaultParameterSetName = ApiKeySet)]
    [OutputType(typeof(WhatsAppMessage))]
    public sealed class GetOctopodsWhatsAppMessageCommand : OctopodsApiCmdlet
    {
        private protected override OctopodsChannel? KeyChannel => OctopodsChannel.WhatsApp;

        /// <summary>
        /// How many of the most recent messages, 1 to 100 (the service's maximum; there is no paging):
        /// -First, as Select-Object and PowerShell's paging name it; -Limit, its first name, still works.
        /// </summary>
        [Parameter(Position = 0)]
        [Alias("Limit")]
        [ValidateRange(1, WhatsAppApi.MaxListLimit)]
        public int First { get; set; } = WhatsAppApi.MaxListLimit;

        protected override void EndProcessing()
        {
            var api = new WhatsAppApi(Client);
            try
            {
                var messages = Runtime.Run(ct => api.GetMessagesAsync(First, ct));
                if (messages.Count == 0) WriteVerbose("No messages: this WhatsApp key has not sent any through the API.");
                foreach (var message in messages) WriteObject(message);
            }
            catch (OctopodsException ex)
            {
                Runtime.WriteError(ex, First);
            }
        }
    }
}

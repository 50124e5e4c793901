using System;
using System.Management.Automation;
using Octopods.PowerShell.CommandBases;
using Octopods.PowerShell.Session;

namespace Octopods.PowerShell.Commands
{
    /// <summary>Forgets the session's connections (all channels, or the ones named).</summary>
    [Cmdlet(VerbsCommunications.Disconnect, "Octopods", HelpUri = HelpPages.Root + "Disconnect-Octopods.md")]
    [OutputType(typeof(void))]
    public sealed class DisconnectOctopodsCommand : OctopodsCmdlet
    {
        [Parameter(Position = 0)]
        public OctopodsChannel[]? Channel { get; set; }

        protected override void EndProcessing()
        {
            var channels = Channel is { Length: > 0 } ? Channel : (OctopodsChannel[])Enum.GetValues(typeof(OctopodsChannel));
            foreach (var channel in channels)
            {
                if (SessionConnections.Current.Remove(channel)) WriteVerbose($"{channel}: disconnected; its key is erased from this session.");
            }
        }
    }
}

using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Octopods.Errors;
using Octopods.OptOuts;
using Octopods.PowerShell.CommandBases;

namespace Octopods.PowerShell.Commands
{
    /// <summary>The numbers on the user's opt-out list: all, or those given (normalised as sends do), or those one channel blocks.</summary>
    [Cmdlet(VerbsCommon.Get, "OctopodsOptOut", HelpUri = HelpPages.Root + "Get-OctopodsOptOut.md")]
    [OutputType(typeof(OptOutEntry))]
    public sealed class GetOctopodsOptOutCommand : OptOutCmdlet
    {

        /// <summary>Only the entries that block this channel: its own and those for All.</summary>
        [Parameter]
        public OctopodsChannel? Channel { get; set; }

        private ILookup<string, OptOutEntry>? _byNumber;
        private bool _asked;

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            try
            {
                _byNumber = OptOutFile.Load(ListPath).Entries.Where(BlocksChannel).ToLookup(e => e.PhoneNumber);
            }
            catch (OctopodsException ex)
            {
                Runtime.ThrowTerminating(ex, ListPath);
            }
        }

        protected override void ProcessRecord()
        {
            if (PhoneNumber == null && InputObject == null) return;   // the whole list, at the end
            _asked = true;
            foreach (var (number, _) in Numbers())
                foreach (var entry in _byNumber![number]) WriteObject(Copy(entry));
        }

        protected override void EndProcessing()
        {
            if (_asked) return;
            foreach (var entry in _byNumber!.SelectMany(g => g)) WriteObject(Copy(entry));
        }

        private bool BlocksChannel(OptOutEntry entry) =>
            Channel is not { } channel || entry.Channel == OptOutChannel.All || entry.Channel.ToString() == channel.ToString();

        /// <summary>A copy: what the caller does to it changes neither the list nor what a later call writes.</summary>
        private static OptOutEntry Copy(OptOutEntry entry) => new OptOutEntry
        {
            PhoneNumber = entry.PhoneNumber, Channel = entry.Channel, Reason = entry.Reason, OptedOutAt = entry.OptedOutAt, Source = entry.Source,
        };
    }
}

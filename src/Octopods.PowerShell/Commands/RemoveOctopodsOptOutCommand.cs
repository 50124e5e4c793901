using System;
using System.Management.Automation;
using Octopods.Errors;
using Octopods.OptOuts;
using Octopods.PowerShell.CommandBases;
using Octopods.PowerShell.Completers;

namespace Octopods.PowerShell.Commands
{
    /// <summary>
    /// Takes numbers off the opt-out list, so sends reach them again: only with the recipient's written
    /// consent, whose -Reason the list keeps for good (with the time and the account) as the record of
    /// it. Asks first (ConfirmImpact High), and only about an entry that is there.
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "OctopodsOptOut", HelpUri = HelpPages.Root + "Remove-OctopodsOptOut.md", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    public sealed class RemoveOctopodsOptOutCommand : OptOutCmdlet
    {

        /// <summary>The channel of the entry to remove, as it was added: All (the default), Sms, WhatsApp or Viber.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(OptOutChannelCompleter))]
        public string? Channel { get; set; }

        /// <summary>The consent that allows sending again (who, when, how): kept in the list's file for good.</summary>
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string Reason { get; set; } = "";

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            if (string.IsNullOrWhiteSpace(Reason))
                Runtime.ThrowTerminating(new OctopodsException(ErrorNames.ArgumentMissing, OctopodsErrorKind.InvalidArgument,
                    "-Reason is blank; an opt-out is lifted only with the recipient's consent, which -Reason records; nothing was removed",
                    "Say what the consent is: -Reason 'Signed consent form, ticket 4411'."), Reason);
        }

        protected override void ProcessRecord()
        {
            var target = Target;
            if (!(ChannelOf(Channel, OptOutChannel.All, target) is { } channel)) return;
            foreach (var (number, numberTarget) in Numbers())
            {
                try
                {
                    // Asked only about an entry that is there; the file is read again under its lock to remove it.
                    if (OptOutFile.Load(ListPath).Find(number, channel) == null)
                    {
                        Runtime.WriteError(new OctopodsException(ErrorNames.OptOutNotFound, OctopodsErrorKind.NotFound,
                            $"{number} is not on the opt-out list for {channel}; nothing was removed",
                            $"Get-OctopodsOptOut -PhoneNumber {number} shows the channel it was added for; give that -Channel."), numberTarget);
                        continue;
                    }
                    if (!ShouldProcess($"{number} ({channel})", $"Remove from the opt-out list, so messages reach it again (consent: {Reason.Trim()})")) continue;
                    var removed = OptOutFile.Update(ListPath, list =>
                    {
                        var entry = list.Remove(number, channel, Reason.Trim(), DateTimeOffset.UtcNow, Environment.UserName);
                        return (entry, entry != null);
                    });
                    if (removed != null) WriteVerbose($"Removed {number} ({channel}) from {ListPath}; the reason is kept there.");
                }
                catch (OctopodsException ex)
                {
                    Runtime.ThrowTerminating(ex, ListPath);
                }
            }
        }
    }
}

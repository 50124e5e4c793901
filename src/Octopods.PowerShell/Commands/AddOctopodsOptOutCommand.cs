using System;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using Octopods.Errors;
using Octopods.OptOuts;
using Octopods.PowerShell.CommandBases;
using Octopods.PowerShell.Completers;

namespace Octopods.PowerShell.Commands
{
    /// <summary>
    /// Adds numbers to the user's opt-out list, which every send honours. Binds a CRM export's columns
    /// by name (Phone, Channel, Reason, Date). The list is written once, with every number the pipeline
    /// brought, when it ends; a command stopped before that (an error under -ErrorAction Stop, Ctrl+C)
    /// still writes what it collected: an opt-out is never lost.
    /// </summary>
    [Cmdlet(VerbsCommon.Add, "OctopodsOptOut", HelpUri = HelpPages.Root + "Add-OctopodsOptOut.md", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(OptOutEntry))]
    public sealed class AddOctopodsOptOutCommand : OptOutCmdlet
    {

        /// <summary>The channel the opt-out blocks: All (the default, every channel), Sms, WhatsApp or Viber.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(OptOutChannelCompleter))]
        public string? Channel { get; set; }

        /// <summary>Why (a STOP reply, a complaint, the CRM's flag): kept with the number.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? Reason { get; set; }

        /// <summary>When the recipient opted out (a date, or text read in the invariant culture; no offset is UTC); now when omitted.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Date", "OptedOutAt", "opted_out_at")]
        public object? At { get; set; }

        /// <summary>Writes each entry added.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        private readonly List<OptOutEntry> _adding = new List<OptOutEntry>();
        private bool _written;

        protected override void ProcessRecord()
        {
            var target = Target;
            if (!(ChannelOf(Channel, OptOutChannel.All, target) is { } channel)) return;
            if (!(TimeOf(At, target) is { } at)) return;
            foreach (var (number, _) in Numbers())
            {
                _adding.Add(new OptOutEntry
                {
                    PhoneNumber = number,
                    Channel = channel,
                    Reason = string.IsNullOrWhiteSpace(Reason) ? null : Reason!.Trim(),
                    OptedOutAt = at,
                    Source = "manual",
                });
            }
        }

        protected override void EndProcessing() => Write(stopping: false);

        /// <summary>
        /// Writes what was collected, once. A dry run writes nothing. A command stopped before its end
        /// (<paramref name="stopping"/>) cannot ask or write output, and still writes: adding only blocks
        /// more, unless -Confirm asked for a question that was never answered.
        /// </summary>
        private void Write(bool stopping)
        {
            if (_written || _adding.Count == 0) return;
            _written = true;
            var action = $"Add {_adding.Count} number(s) to the opt-out list";
            if (stopping ? Runtime.WhatIfInEffect || MyInvocation.BoundParameters.ContainsKey("Confirm") : !ShouldProcess(ListPath, action)) return;
            try
            {
                var added = OptOutFile.Update(ListPath, list =>
                {
                    var result = new List<OptOutEntry>();
                    foreach (var entry in _adding)
                    {
                        if (list.Add(entry)) result.Add(entry);
                        else if (!stopping) WriteVerbose($"{entry.PhoneNumber} is already on the opt-out list for {entry.Channel}; kept as it was.");
                    }
                    return (result, result.Count > 0);
                });
                if (stopping) return;
                WriteVerbose($"Added {added.Count} number(s) to {ListPath}.");
                if (PassThru) foreach (var entry in added) WriteObject(entry);
            }
            catch (OctopodsException ex) when (!stopping)
            {
                Runtime.ThrowTerminating(ex, ListPath);
            }
        }

        /// <summary>The time as given: a DateTime(Offset), or text in the invariant culture (no offset: UTC); null, with a named error, when unreadable.</summary>
        private DateTimeOffset? TimeOf(object? value, object target)
        {
            value = value is PSObject ps ? ps.BaseObject : value;
            switch (value)
            {
                case null: return DateTimeOffset.UtcNow;
                case DateTimeOffset offset: return offset.ToUniversalTime();
                case DateTime time: return new DateTimeOffset(time.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(time, DateTimeKind.Utc) : time).ToUniversalTime();
                case string text when string.IsNullOrWhiteSpace(text): return DateTimeOffset.UtcNow;
                case string text when DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed):
                    return parsed;
            }
            Runtime.WriteError(new OctopodsException(ErrorNames.OptOutTimeInvalid, OctopodsErrorKind.InvalidArgument,
                $"'{value}' is not a time this command reads; the input was left out",
                "Write it as yyyy-MM-dd (2026-11-02), or yyyy-MM-dd HH:mm with an offset (2026-11-02 09:30 +01:00); leave it empty for now."), target);
            return null;
        }

        protected override void Dispose(bool disposing)
        {
            try
            {
                // Stopped before EndProcessing (an error under -ErrorAction Stop, Ctrl+C): what was collected is still kept.
                if (disposing) Write(stopping: true);
            }
            catch (OctopodsException)
            {
                // Nothing more can be said here; the numbers not written are in the errors the user saw.
            }
            finally
            {
                base.Dispose(disposing);
            }
        }
    }
}

using System;
using System.Collections.Generic;
using System.Management.Automation;
using Octopods.Errors;
using Octopods.OptOuts;
using Octopods.Phones;
using Octopods.PowerShell.Completers;
using Octopods.PowerShell.Infrastructure;

namespace Octopods.PowerShell.CommandBases
{
    /// <summary>
    /// What the opt-out commands share: the list's path, and each input's numbers, taken from
    /// -PhoneNumber (typed, or a row's Phone/To/Mobile/… column) or from a piped text, normalised as the
    /// sends normalise them. A row with no number column, or two with different numbers, is named.
    /// </summary>
    public abstract class OptOutCmdlet : OctopodsCmdlet
    {
        /// <summary>The numbers, in E.164 or (with -DefaultRegion) national form; typed, or a row's column.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("To", "Phone", "Mobile", "Number", "DestinationPhone", "destination_phone")]
        public string[]? PhoneNumber { get; set; }

        /// <summary>A number piped as text, or a row whose columns bind the other parameters.</summary>
        [Parameter(ValueFromPipeline = true, DontShow = true)]
        public PSObject? InputObject { get; set; }

        /// <summary>Region (US, GB, …) for numbers written in national form.</summary>
        [Parameter]
        [ArgumentCompleter(typeof(RegionCompleter))]
        public string? DefaultRegion { get; set; }

        private protected string ListPath { get; private set; } = "";

        private AmbiguousColumns? _ambiguous;

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            try { ListPath = OptOutFile.CurrentPath(); }
            catch (OctopodsException ex) { Runtime.ThrowTerminating(ex, OptOutFile.PathVariable); }
        }

        /// <summary>What an error about the input names: the piped row, or the numbers typed.</summary>
        private protected object Target => InputObject ?? (object)string.Join(";", PhoneNumber ?? Array.Empty<string>());

        /// <summary>The input's numbers, normalised; each one that cannot be is a named error for the input, and is left out.</summary>
        private protected List<(string Number, object Target)> Numbers()
        {
            var numbers = new List<(string, object)>();
            var target = Target;
            if ((_ambiguous ??= new AmbiguousColumns(MyInvocation.MyCommand)).Check(InputObject) is { } ambiguous)
            {
                Runtime.WriteError(ambiguous, target);
                return numbers;
            }
            var given = PhoneNumber;
            if (given == null && InputObject?.BaseObject is string text) given = new[] { text };
            if (given == null)
            {
                var columns = InputObject == null ? "" : string.Join(", ", PowerShellValues.PropertyNames(InputObject));
                Runtime.WriteError(new OctopodsException(ErrorNames.PhoneMissing, OctopodsErrorKind.InvalidArgument,
                    $"The input has no number (its columns: {columns})",
                    "Give -PhoneNumber, or a column named PhoneNumber, Phone, To, Mobile or Number (Select-Object @{ Name = 'Phone'; Expression = { $_.MobilePhone } } renames one)."), target);
                return numbers;
            }
            foreach (var number in RecipientList.Split(given))
            {
                try { numbers.Add((PhoneNumberNormalizer.Canonical(PhoneNumberNormalizer.Normalize(number, DefaultRegion)), InputObject ?? (object)number)); }
                catch (OctopodsException ex) { Runtime.WriteError(ex, InputObject ?? (object)number); }
            }
            return numbers;
        }

        /// <summary>A channel as the row names it (empty: <paramref name="empty"/>); an unknown name is a named error and null.</summary>
        private protected OptOutChannel? ChannelOf(string? text, OptOutChannel empty, object target)
        {
            if (string.IsNullOrWhiteSpace(text)) return empty;
            if (OptOutList.ParseChannel(text) is { } channel) return channel;
            Runtime.WriteError(new OctopodsException(ErrorNames.OptOutChannelInvalid, OctopodsErrorKind.InvalidArgument,
                $"'{text}' is not a channel an opt-out can name; the input was left out",
                "Use All, Sms, WhatsApp or Viber (one of them; add a number once per channel)."), target);
            return null;
        }
    }
}

using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Octopods.Bulk;
using Octopods.Errors;
using Octopods.Phones;
using Octopods.PowerShell.Completers;
using Octopods.PowerShell.Infrastructure;
using Octopods.Templates;

namespace Octopods.PowerShell.CommandBases
{
    /// <summary>
    /// The parameters every send command shares (message and bulk), which PowerShell can share only
    /// by inheritance. The work is composed: each command holds a <see cref="BulkPipeline{TRequest, TResult}"/>
    /// for its own requests (<see cref="StartRows{TRequest, TResult}"/>), and its ProcessRecord hands
    /// each number of a row to <see cref="SubmitRecipients{TRequest, TResult}"/> (validate, ask
    /// ShouldProcess, submit).
    /// </summary>
    public abstract class SendCmdlet : OctopodsApiCmdlet
    {
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Name", "destination_user_name")]
        public string? DestinationUserName { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("open_intercom_conversation")]
        [BooleanText]
        public SwitchParameter OpenIntercomConversation { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("intercom_teammate_id")]
        public string? IntercomTeammateId { get; set; }

        /// <summary>Region (US, GB, IE, …) for numbers written in national form, such as (415) 555-2671.</summary>
        [Parameter]
        [ArgumentCompleter(typeof(RegionCompleter))]
        public string? DefaultRegion { get; set; }

        /// <summary>Send without asking, even when $ConfirmPreference or -Confirm would ask.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>The pipeline object itself: errors name the row, and -…VariableProperty reads from it.</summary>
        [Parameter(ValueFromPipeline = true, DontShow = true)]
        public PSObject? InputObject { get; set; }

        /// <summary>How many sends may be in flight at once (1 keeps strict sequence). Default 4.</summary>
        [Parameter]
        [ValidateRange(1, 256)]
        public int ThrottleLimit { get; set; } = BulkOptions.DefaultThrottleLimit;

        /// <summary>At most this many sends per second (fractional allowed, e.g. 0.5); no one-second window exceeds it.</summary>
        [Parameter]
        [ValidateRange(0.001, 100000.0)]
        public double RatePerSecond { get; set; }

        /// <summary>A JSON-lines file recording each row's intent and outcome; the same path resumes a stopped run.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? JournalPath { get; set; }

        /// <summary>With -JournalPath: send again rows whose earlier outcome is unknown (they may be duplicated).</summary>
        [Parameter]
        public SwitchParameter ResendUnknown { get; set; }

        /// <summary>
        /// Send a row that repeats an earlier row of the run (the same message to the same number)
        /// again; without it such a row is sent once, and each repeat is the error Octopods.DuplicateRow.
        /// </summary>
        [Parameter]
        public SwitchParameter AllowDuplicate { get; set; }

        /// <summary>
        /// With -JournalPath: the journal's rows reached this run's target too (the same account at
        /// another address, or after a key rotation), so a journal that recorded another target is used.
        /// </summary>
        [Parameter]
        public SwitchParameter AcceptJournalTarget { get; set; }

        /// <summary>
        /// A row's identity for the journal instead of the hash of channel, destination and content: for
        /// piped rows the name of the column that holds it or a script block over $_, for a typed command
        /// the key itself (<see cref="IdempotencyKeys"/>). A row with several numbers scopes it to each
        /// number (<see cref="RowIdentity.KeyForDestination"/>).
        /// </summary>
        [Parameter]
        [AllowNull]
        public object? IdempotencyKey { get; set; }

        /// <summary>
        /// Columns of the piped rows to carry to each row's result, error, journal lines and send report
        /// (CustomerId, …), so every outcome joins back to the input. Each row's position (InputRow) is carried anyway.
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? TrackingProperty { get; set; }

        /// <summary>How many messages to expect (rows, when each names one number), for the progress bar's percentage and time left.</summary>
        [Parameter]
        [ValidateRange(1L, long.MaxValue)]
        public long TotalCount { get; set; }

        /// <summary>The channel the command sends on (its key is resolved at BeginProcessing).</summary>
        private protected abstract OctopodsChannel Channel { get; }

        private protected sealed override OctopodsChannel? KeyChannel => Channel;

        /// <summary>"Sending SMS", "Sending WhatsApp templates"…</summary>
        private protected abstract string ProgressActivity { get; }

        /// <summary>True when results and errors are held until written after -Wait has followed the messages.</summary>
        private protected virtual bool HoldOutput => false;

        /// <summary>-OpenIntercomConversation as given (true or false), or null when the row left it out.</summary>
        private protected bool? OpenIntercomChoice =>
            MyInvocation.BoundParameters.ContainsKey(nameof(OpenIntercomConversation)) ? OpenIntercomConversation.IsPresent : (bool?)null;

        // The command's pipeline, seen without its types: stopped by Ctrl+C, disposed with the command.
        private Action? _stopRows;
        private Action? _disposeRows;
        private AmbiguousColumns? _ambiguous;
        private IdempotencyKeys? _keys;
        private TrackedColumns? _tracked;
        private OptOuts.OptOutList? _optOuts;
        private readonly DryRunTotal _dryRun = new DryRunTotal();
        private static readonly string[] DryRunTags = { "Octopods", "WhatIf" };
        private bool _keyed;
        // The parameters typed on the command line (known at BeginProcessing): the others come from each row.
        private HashSet<string>? _typed;

        /// <summary>Each row's key, and the run's rule for naming rows (decided at the first row).</summary>
        private IdempotencyKeys Keys => _keys ??= IdempotencyKeys.From(IdempotencyKey, MyInvocation.ExpectingInput);

        /// <summary>The row being submitted: its position in the input and its tracked columns.</summary>
        private protected RowOrigin CurrentOrigin { get; private set; } = RowOrigin.None;

        /// <summary>This invocation's pipeline for the command's requests; the command keeps it from BeginProcessing.</summary>
        private protected BulkPipeline<TRequest, TResult> StartRows<TRequest, TResult>() where TResult : class
        {
            var rows = new BulkPipeline<TRequest, TResult>(Runtime, new BulkPipelineSettings
            {
                ThrottleLimit = ThrottleLimit,
                RatePerSecond = RatePerSecond,
                JournalPath = JournalPath == null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(JournalPath),
                ResendUnknown = ResendUnknown,
                AllowDuplicates = AllowDuplicate,
                StopOnFailure = Runtime.ErrorsStop,
                Target = () => Connection.Target,
                AcceptOtherTarget = AcceptJournalTarget,
                RowRule = () => Keys.RuleFor(InputObject),
                SandboxStoreFailures = () => Connection.SandboxStoreFailures,
                Channel = Channel,
                DryRun = Runtime.WhatIfInEffect,
                TotalCount = TotalCount,
                HoldOutput = HoldOutput,
                Activity = ProgressActivity,
            }, Connection.Clock);
            _stopRows = rows.Stop;
            _disposeRows = rows.Dispose;
            return rows;
        }

        /// <summary>
        /// Whether to send this row: -Force skips the prompt, never a dry run (-WhatIf, typed or
        /// inherited through $WhatIfPreference, still wins).
        /// </summary>
        private protected bool ShouldSend(string target, string action) => (Force && !Runtime.WhatIfInEffect) || ShouldProcess(target, action);

        /// <summary>
        /// One message per number of the row's destination (each value may list several, split at ';'
        /// or ','), in the order given: each is built (null when it became an error, already submitted),
        /// confirmed and submitted on its own, so each has its own result or error, journal entry and
        /// -WhatIf line. A number listed twice in one row is sent once (said in verbose).
        /// </summary>
        private protected void SubmitRecipients<TRequest, TResult>(BulkPipeline<TRequest, TResult> rows, string[]? destinationPhone,
            Func<string, object, TRequest?> build, Func<TRequest, string> destination, Func<TRequest, string> action,
            Func<BulkOperation<TRequest, TResult>> operation) where TRequest : class where TResult : class
        {
            _dryRun.Rows++;
            var origin = CurrentOrigin = _tracked!.Next(InputObject);
            var given = destinationPhone == null ? null : string.Join(";", destinationPhone);
            if (BooleanTextAttribute.TakeRejected() is { } notYesNo)
            {
                rows.SubmitInvalid(new OctopodsException(ErrorNames.YesNoInvalid, OctopodsErrorKind.InvalidArgument,
                    $"'{notYesNo}' is not a yes/no value for -OpenIntercomConversation (open_intercom_conversation); the row was not sent",
                    "Use true or false (also accepted: yes/no, 1/0, on/off, or empty for no)."), InputObject ?? (object)"", origin, given);
                return;
            }
            if ((_ambiguous ??= new AmbiguousColumns(MyInvocation.MyCommand)).Check(InputObject) is { } ambiguous)
            {
                rows.SubmitInvalid(ambiguous, InputObject ?? (object)"", origin, given);
                return;
            }
            string? rowKey;
            try
            {
                // A column every row lacks stops the command at its first row; any other trouble is the row's.
                if (!_keyed && Keys.MissingColumn(InputObject) is { } missing) Runtime.ThrowTerminating(missing, IdempotencyKey);
                if (!_keyed && _tracked.MissingColumn(InputObject) is { } untracked) Runtime.ThrowTerminating(untracked, TrackingProperty);
                if (!_keyed && MyInvocation.ExpectingInput && MissingColumns(InputObject) is { } unmapped) Runtime.ThrowTerminating(unmapped, InputObject);
                _keyed = true;
                rowKey = Keys.KeyOf(InputObject);
            }
            catch (OctopodsException ex)
            {
                rows.SubmitInvalid(ex, InputObject ?? (object)"", origin, given);
                return;
            }
            var numbers = RecipientList.Split(destinationPhone);
            var seen = numbers.Count > 1 ? new HashSet<string>(StringComparer.Ordinal) : null;
            foreach (var number in numbers)
            {
                // A piped row stays the target of its errors (the message names the number); typed, the number is.
                object target = InputObject ?? (object)number;
                var request = build(number, target);
                if (request == null) continue;
                var to = destination(request);
                if (seen != null && !seen.Add(to))
                {
                    WriteVerbose($"{to} is listed more than once in -DestinationPhone; the message is sent to it once.");
                    continue;
                }
                // No switch sends anyway: a carrier's opt-out block stands until written consent. Nothing is
                // asked about such a row; a dry run shows the refusal, a run hands it to the engine, which
                // refuses it after the journal (a row an earlier run sent stays reported as sent).
                var optedOut = _optOuts!.Refusal(to, Channel);
                if (optedOut != null && Runtime.WhatIfInEffect)
                {
                    rows.SubmitInvalid(optedOut, target, origin, to);
                    continue;
                }
                if (optedOut == null && !ShouldSend(to, action(request)))
                {
                    if (Runtime.WhatIfInEffect) _dryRun.Count(request);
                    continue;
                }
                var key = string.IsNullOrWhiteSpace(rowKey) || numbers.Count < 2 ? rowKey : RowIdentity.KeyForDestination(rowKey!, to);
                _ = Client;   // resolves the key (or stops the command) on the pipeline thread
                rows.Start(operation);
                rows.Submit(request, target, key, origin, optedOut);
            }
        }

        /// <summary>
        /// A template command's request to one number: the row's variables bound and validated with
        /// this command's message fields, then checked against the template (read once per invocation,
        /// on the pipeline thread, while sends may be in flight); null when it became an error (handed
        /// to the run, so it keeps its place in the output order).
        /// </summary>
        private protected TemplateSendRequest? BuildTemplateRequest<TResult>(BulkPipeline<TemplateSendRequest, TResult> rows, TemplateRows templates,
            string? templateId, string number, object target, string? headerUrl) where TResult : class
        {
            TemplateSendRequest request;
            try
            {
                var variables = templates.Variables(InputObject, MyInvocation.BoundParameters);
                request = TemplateSendRequest.Create(Channel, templateId, number, variables, headerUrl, DestinationUserName,
                    OpenIntercomChoice, IntercomTeammateId, DefaultRegion);
            }
            catch (OctopodsException ex)
            {
                rows.SubmitInvalid(ex, target, CurrentOrigin, number);
                return null;
            }
            // A dry run without a key cannot read the template; it still validated everything else.
            if (!Connection.HasConnection) return request;
            var check = rows.RunGuarded(ct => templates.CheckAsync(request, ct));
            if (check.Refusal != null)
            {
                StopIfEveryRowWouldFail(check.Refusal, request, rows.Started);
                rows.SubmitInvalid(check.Refusal, target, CurrentOrigin, number);
                return null;
            }
            if (check.NotChecked != null)
                WriteVerbose($"Template {request.TemplateId} could not be read ({check.NotChecked.Detail}); sending without checking its variables.");
            return request;
        }

        /// <summary>
        /// After a dry run (-WhatIf) of a bulk send: one line with what it would have sent, below the
        /// "What if:" lines, on the host where they are (the segments are what SMS bills).
        /// </summary>
        private protected void WriteDryRunTotal()
        {
            if (!Runtime.WhatIfInEffect || _dryRun.Rows < 2) return;
            var line = _dryRun.Describe(MyInvocation.MyCommand.Name);
            try { Host?.UI?.WriteLine(line); }
            catch (Exception ex) when (ex is NotImplementedException || ex is InvalidOperationException) { }
            WriteInformation(_dryRun, DryRunTags);
        }

        /// <summary>The error for a first piped row that lacks a column the command's parameters name (templates' -…VariableProperty); null when none.</summary>
        private protected virtual OctopodsException? MissingColumns(PSObject? row) => null;

        protected override void BeginProcessing()
        {
            _typed = new HashSet<string>(MyInvocation.BoundParameters.Keys, StringComparer.OrdinalIgnoreCase);
            _tracked = new TrackedColumns(TrackingProperty, MyInvocation.ExpectingInput);
            // An option no row can use is the command's mistake: one error, before any row is read.
            var resultType = ((OutputTypeAttribute)Attribute.GetCustomAttribute(GetType(), typeof(OutputTypeAttribute))!).Type[0].Type;
            if (_tracked.Problem(resultType) is { } problem) Runtime.ThrowTerminating(problem, TrackingProperty);
            // Every send honours the opt-out list, read once per command; a list that cannot be read stops it.
            var optOutPath = "";
            try
            {
                optOutPath = OptOuts.OptOutFile.CurrentPath();
                _optOuts = OptOuts.OptOutFile.Load(optOutPath);
            }
            catch (OctopodsException ex)
            {
                Runtime.ThrowTerminating(ex, optOutPath);
            }
            foreach (var option in new[] { (ResendUnknown.IsPresent, "-ResendUnknown", "the unknown rows of a journal"), (AcceptJournalTarget.IsPresent, "-AcceptJournalTarget", "a journal of another target") })
            {
                // An option that only acts on a journal, given without one, is a mistake the user would not see.
                if (!option.Item1 || JournalPath != null) continue;
                Runtime.ThrowTerminating(new OctopodsException(ErrorNames.JournalPathMissing, OctopodsErrorKind.InvalidArgument,
                    $"{option.Item2} acts on {option.Item3}, and this command has no -JournalPath; nothing was sent",
                    $"Give the -JournalPath of the run it is for, or leave {option.Item2} out."), option.Item2);
            }
            base.BeginProcessing();
        }

        private static readonly string[] RowTemplateParameters =
            { "TemplateId", "HeaderVariable", "BodyVariable", "FooterVariable", "ButtonVariable", "Variables", "HeaderAttachmentUrl", "HeaderImageUrl" };

        private static readonly HashSet<string> TemplateShapeErrors = new HashSet<string>(StringComparer.Ordinal)
            { ErrorNames.VariablesShape, ErrorNames.VariablesSize, ErrorNames.TemplateNotExist, ErrorNames.TemplateNotAccepted, ErrorNames.ArgumentMissing };

        /// <summary>
        /// A template refusal that the command's own parameters cause for every row (the template and
        /// everything that fills it typed on the command, none of it from the rows): the same error for
        /// each of 300 rows is one mistake, so the command stops at once, before any row is sent.
        /// </summary>
        private protected void StopIfEveryRowWouldFail(OctopodsException refusal, TemplateSendRequest request, bool anySubmitted)
        {
            // Only before any row went out (a template read that failed at first lets rows go unchecked): "no row was sent" must be true.
            if (anySubmitted) return;
            // Rows come from the pipeline (a typed command is one row: its error is the command's anyway).
            if (!MyInvocation.ExpectingInput || !TemplateShapeErrors.Contains(refusal.ErrorName) || _typed == null || !_typed.Contains("TemplateId")) return;
            foreach (var name in RowTemplateParameters)
                if (MyInvocation.BoundParameters.ContainsKey(name) && !_typed.Contains(name)) return;   // bound from the row: the row's own mistake
            var detail = refusal.Detail.Replace($" for {request.DestinationPhone}", "");
            Runtime.ThrowTerminating(new OctopodsException(refusal.ErrorName, refusal.Kind,
                $"{detail}; the command's parameters give every row the same, so no row was sent", refusal.Fix, refusal), request.TemplateId);
        }

        private protected override void OnStopping() => _stopRows?.Invoke();

        protected override void Dispose(bool disposing)
        {
            try
            {
                if (disposing) _disposeRows?.Invoke();
            }
            finally
            {
                base.Dispose(disposing);
            }
        }
    }
}

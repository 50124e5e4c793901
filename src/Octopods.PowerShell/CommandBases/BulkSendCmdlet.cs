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

namespace Octopods.PowerShell.CommandBases
{
    /// <summary>
    /// The parameters every send command shares (message and bulk), which PowerShell can share only
    /// by inheritance; the work is the <see cref="BulkPipeline{TRequest, TResult}"/> it holds. The
    /// derived ProcessRecord hands each number of a row to <see cref="SubmitRecipients"/> (validate,
    /// ask ShouldProcess, submit); EndProcessing calls <see cref="FinishRows"/>.
    /// </summary>
    public abstract class BulkSendCmdlet<TRequest, TResult> : OctopodsApiCmdlet where TRequest : class where TResult : class
    {
        // The message parameters every send command shares (SMS, WhatsApp and Viber templates).

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

        /// <summary>-OpenIntercomConversation as given (true or false), or null when the row left it out.</summary>
        protected bool? OpenIntercomChoice =>
            MyInvocation.BoundParameters.ContainsKey(nameof(OpenIntercomConversation)) ? OpenIntercomConversation.IsPresent : (bool?)null;

        /// <summary>
        /// Whether to send this row: -Force skips the prompt, never a dry run (-WhatIf, typed or
        /// inherited through $WhatIfPreference, still wins).
        /// </summary>
        protected bool ShouldSend(string target, string action) => (Force && !WhatIfInEffect) || ShouldProcess(target, action);

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
        /// A row's identity for the journal instead of the hash of channel, destination and content; a row
        /// with several numbers scopes it to each number (<see cref="RowIdentity.KeyForDestination"/>).
        /// </summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("idempotency_key")]
        [AllowNull, AllowEmptyString]
        public string? IdempotencyKey { get; set; }

        /// <summary>How many messages to expect (rows, when each names one number), for the progress bar's percentage and time left.</summary>
        [Parameter]
        [ValidateRange(1L, long.MaxValue)]
        public long TotalCount { get; set; }

        private BulkPipeline<TRequest, TResult>? _pipeline;

        /// <summary>The send operation for the core engine (called once, at the first row to send).</summary>
        private protected abstract BulkOperation<TRequest, TResult> CreateOperation();

        /// <summary>"Sending SMS", "Sending WhatsApp templates"…</summary>
        protected abstract string ProgressActivity { get; }

        /// <summary>True when results and errors are held until <see cref="WriteHeld"/> (a send's -Wait follows the messages first).</summary>
        protected virtual bool HoldOutput => false;

        /// <summary>This invocation's pipeline, made in BeginProcessing.</summary>
        private protected BulkPipeline<TRequest, TResult> Pipeline => _pipeline ?? throw new InvalidOperationException("BeginProcessing has not run.");

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            _pipeline = new BulkPipeline<TRequest, TResult>(this, new BulkPipelineSettings
            {
                ThrottleLimit = ThrottleLimit,
                RatePerSecond = RatePerSecond,
                JournalPath = JournalPath == null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(JournalPath),
                ResendUnknown = ResendUnknown,
                TotalCount = TotalCount,
                HoldOutput = HoldOutput,
                Activity = ProgressActivity,
            }, ConnectionClock);
        }

        /// <summary>The accepted results held so far, in input order.</summary>
        protected List<TResult> HeldResults => Pipeline.HeldResults;

        /// <summary>Writes what was held, results and errors in input order.</summary>
        protected void WriteHeld() => Pipeline.WriteHeld();

        private AmbiguousColumns? _ambiguous;

        /// <summary>The row's error when two of its columns bind one parameter with different values; null otherwise.</summary>
        internal OctopodsException? AmbiguousRow() => (_ambiguous ??= new AmbiguousColumns(MyInvocation.MyCommand)).Check(InputObject);

        /// <summary>A row that failed validation: it still takes its place in the output order.</summary>
        internal void SubmitInvalid(OctopodsException error, object target) => Pipeline.SubmitInvalid(error, target);

        /// <summary>
        /// One message per number of the row's -DestinationPhone (each value may list several, split at
        /// ';' or ','), in the order given: each is built (null when it became an error, already
        /// submitted), confirmed and submitted on its own, so each has its own result or error, journal
        /// entry and -WhatIf line. A number listed twice in one row is sent once (said in verbose).
        /// </summary>
        internal void SubmitRecipients(string[]? destinationPhone, Func<string, object, TRequest?> build,
            Func<TRequest, string> destination, Func<TRequest, string> action)
        {
            if (AmbiguousRow() is { } ambiguous)
            {
                SubmitInvalid(ambiguous, InputObject ?? (object)"");
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
                if (!ShouldSend(to, action(request))) continue;
                var key = string.IsNullOrWhiteSpace(IdempotencyKey) || numbers.Count < 2 ? IdempotencyKey : RowIdentity.KeyForDestination(IdempotencyKey!, to);
                SubmitRow(request, target, key);
            }
        }

        /// <summary>Hands a validated, confirmed message to the window, starting the engine at the first one.</summary>
        private void SubmitRow(TRequest request, object target, string? idempotencyKey)
        {
            _ = Client;   // resolves the key (or stops the command) on the pipeline thread
            Pipeline.Start(CreateOperation());
            Pipeline.Submit(request, target, idempotencyKey);
        }

        /// <summary>Waits for every row still in flight and writes the rest in order, then the summary.</summary>
        internal void FinishRows() => Pipeline.Finish();

        /// <summary>Core work on the pipeline thread while sends may be in flight; Ctrl+C stops the engine too.</summary>
        internal T RunGuarded<T>(Func<CancellationToken, Task<T>> work) => Pipeline.RunGuarded(work);

        internal override void OnStopping() => _pipeline?.Stop();

        protected override void Dispose(bool disposing)
        {
            try
            {
                if (disposing) _pipeline?.Dispose();
            }
            finally
            {
                base.Dispose(disposing);
            }
        }
    }
}

namespace Octopods.PowerShell.Infrastructure
{
    /// <summary>What a send command's parameters ask of its <see cref="BulkPipeline{TRequest, TResult}"/>.</summary>
    internal sealed class BulkPipelineSettings
    {
        public int ThrottleLimit { get; init; } = Bulk.BulkOptions.DefaultThrottleLimit;
        public double RatePerSecond { get; init; }
        /// <summary>The journal's full path, or null for none.</summary>
        public string? JournalPath { get; init; }
        public bool ResendUnknown { get; init; }
        /// <summary>-AllowDuplicate: send a row that repeats an earlier one of the run.</summary>
        public bool AllowDuplicates { get; init; }
        /// <summary>The command stops at its first error (-ErrorAction Stop): the run starts no row after a failed one.</summary>
        public bool StopOnFailure { get; init; }
        /// <summary>Where the run sends, asked when it starts (the key is resolved by then).</summary>
        public System.Func<Bulk.JournalTarget?> Target { get; init; } = () => null;
        /// <summary>-AcceptJournalTarget.</summary>
        public bool AcceptOtherTarget { get; init; }
        /// <summary>How the run names its rows, asked when it starts (its first row decides).</summary>
        public System.Func<Bulk.RowRule?> RowRule { get; init; } = () => null;
        /// <summary>How many sends the sandbox could not keep in its file so far, and why the latest could not (asked at the start and the end).</summary>
        public System.Func<(int Count, string? Latest)> SandboxStoreFailures { get; init; } = () => (0, null);
        /// <summary>Rows to expect, for the progress bar's percentage (0: unknown).</summary>
        public long TotalCount { get; init; }
        /// <summary>Hold results and errors until WriteHeld (a -Wait follows the messages first).</summary>
        public bool HoldOutput { get; init; }
        /// <summary>The channel the command sends on (for the journal's records of refused rows).</summary>
        public OctopodsChannel Channel { get; init; }
        /// <summary>-WhatIf: nothing is sent, and no journal is written.</summary>
        public bool DryRun { get; init; }
        /// <summary>The progress bar's activity: "Sending SMS", …</summary>
        public string Activity { get; init; } = "";
    }
}

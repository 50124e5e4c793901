using System.Management.Automation;
using Octopods.Errors;

namespace Octopods.PowerShell.Infrastructure
{
    /// <summary>
    /// Turns a core error into the ErrorRecord the design promises: named id, fitting category, the
    /// input as target, and the fix in ErrorDetails.RecommendedAction, where Get-Error and other
    /// generic tools look for it. The exception's message keeps ending with the fix (users grep it,
    /// logs keep it). PowerShell 7 shows RecommendedAction on a line of its own under the message,
    /// so there the displayed message (ErrorDetails.Message) leaves the fix out rather than print it
    /// twice; Windows PowerShell shows no RecommendedAction, so there it keeps the whole message.
    /// </summary>
    internal static class ErrorRecords
    {
        public static ErrorRecord From(OctopodsException ex, object? target)
        {
            var record = new ErrorRecord(ex, "Octopods." + ex.ErrorName, Category(ex.Kind), target);
            if (!string.IsNullOrWhiteSpace(ex.Fix))
                record.ErrorDetails = new ErrorDetails(ShowsRecommendation ? ex.Summary : ex.Message) { RecommendedAction = ex.Fix!.Trim() };
            return record;
        }

        // PowerShell 7 runs on .NET (Core); Windows PowerShell on .NET Framework.
        private static readonly bool ShowsRecommendation =
            !System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", System.StringComparison.Ordinal);

        public static ErrorCategory Category(OctopodsErrorKind kind) => kind switch
        {
            OctopodsErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
            OctopodsErrorKind.Authentication => ErrorCategory.AuthenticationError,
            OctopodsErrorKind.LimitsExceeded => ErrorCategory.LimitsExceeded,
            OctopodsErrorKind.NotFound => ErrorCategory.ObjectNotFound,
            OctopodsErrorKind.ProviderError => ErrorCategory.InvalidOperation,
            OctopodsErrorKind.ConnectionError => ErrorCategory.ConnectionError,
            OctopodsErrorKind.Timeout => ErrorCategory.OperationTimeout,
            OctopodsErrorKind.OutcomeUnknown => ErrorCategory.InvalidResult,
            OctopodsErrorKind.ProtocolError => ErrorCategory.InvalidData,
            OctopodsErrorKind.ServerError => ErrorCategory.ResourceUnavailable,
            _ => ErrorCategory.NotSpecified,
        };
    }
}

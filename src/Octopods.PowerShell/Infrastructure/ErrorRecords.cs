using System.Management.Automation;
using Octopods.Errors;

namespace Octopods.PowerShell.Infrastructure
{
    /// <summary>
    /// Turns a core error into the ErrorRecord the design promises: named id, fitting category, the
    /// input as target, and the fix in ErrorDetails.RecommendedAction, where Get-Error and other
    /// generic tools look for it. The fix is printed once: PowerShell 7.5's error view shows it on a
    /// "Recommendation:" line of its own, so there the shown message (ErrorDetails.Message) stops
    /// before it; the views of Windows PowerShell and 7.4 show no recommendation, so there the message keeps it.
    /// The exception's own message always ends with the fix (users grep $_.Exception.Message).
    /// </summary>
    internal static class ErrorRecords
    {
        // PowerShell's error view shows RecommendedAction on a line of its own from 7.5; Windows PowerShell and 7.4 do not.
        private static readonly bool ShowsRecommendation = typeof(PSObject).Assembly.GetName().Version >= new System.Version(7, 5);

        public static ErrorRecord From(OctopodsException ex, object? target)
        {
            var record = new ErrorRecord(ex, "Octopods." + ex.ErrorName, Category(ex.Kind), target);
            if (!string.IsNullOrWhiteSpace(ex.Fix))
                record.ErrorDetails = new ErrorDetails(ShowsRecommendation ? ex.Statement : ex.Message) { RecommendedAction = ex.Fix!.Trim() };
            return record;
        }

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

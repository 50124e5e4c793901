using System.Management.Automation;
using Octopods.Errors;

namespace Octopods.PowerShell.Infrastructure
{
    /// <summary>
    /// Turns a core error into the ErrorRecord the design promises: named id, fitting category, the
    /// input as target, and the fix in ErrorDetails.RecommendedAction, where Get-Error and other
    /// generic tools look for it. The message keeps ending with the fix too (users grep it), so
    /// ErrorDetails.Message is the exception's message unchanged.
    /// </summary>
    internal static class ErrorRecords
    {
        public static ErrorRecord From(OctopodsException ex, object? target)
        {
            var record = new ErrorRecord(ex, "Octopods." + ex.ErrorName, Category(ex.Kind), target);
            if (!string.IsNullOrWhiteSpace(ex.Fix))
                record.ErrorDetails = new ErrorDetails(ex.Message) { RecommendedAction = ex.Fix!.Trim() };
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

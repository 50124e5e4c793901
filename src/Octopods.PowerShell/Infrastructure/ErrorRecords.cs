using System.Management.Automation;
using Octopods.Errors;

namespace Octopods.PowerShell.Infrastructure
{
    /// <summary>
    /// Turns a core error into the ErrorRecord the design promises: named id, fitting category, the
    /// input as target. The message already ends with the fix (also on $error[0].Exception.Fix), so
    /// RecommendedAction is left empty rather than printing the fix twice.
    /// </summary>
    internal static class ErrorRecords
    {
        public static ErrorRecord From(OctopodsException ex, object? target) =>
            new ErrorRecord(ex, "Octopods." + ex.ErrorName, Category(ex.Kind), target);

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

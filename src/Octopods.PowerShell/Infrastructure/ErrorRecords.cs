using System;
using System.Management.Automation;
using Octopods.Errors;

namespace Octopods.PowerShell.Infrastructure
{
    /// <summary>Turns a core error into the ErrorRecord the design promises: named id, fitting category, the input as target.</summary>
    internal static class ErrorRecords
    {
        public static ErrorRecord From(OctopodsException ex, object? target) =>
            new ErrorRecord(ex, "Octopods." + ex.ErrorName, Category(ex.Kind), target)
            {
                ErrorDetails = new ErrorDetails(ex.Message) { RecommendedAction = ex.Fix ?? "" },
            };

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

namespace Octopods.Errors
{
    /// <summary>What sort of failure an error is; the cmdlets map it to a PowerShell ErrorCategory.</summary>
    public enum OctopodsErrorKind
    {
        InvalidArgument,
        Authentication,
        LimitsExceeded,
        NotFound,
        ProviderError,
        ConnectionError,
        Timeout,
        /// <summary>The request may or may not have been carried out; it was deliberately not repeated.</summary>
        OutcomeUnknown,
        ProtocolError,
        ServerError,
    }
}

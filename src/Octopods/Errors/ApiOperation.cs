namespace Octopods.Errors
{
    /// <summary>Which call an error answered: the same number means different things per endpoint.</summary>
    internal enum ApiOperation
    {
        Send,
        Status,
        /// <summary>GET …/messages?limit=N: the recent-messages listing.</summary>
        Messages,
        /// <summary>GET …/templates[/{id}]: the template listing.</summary>
        Templates,
    }
}

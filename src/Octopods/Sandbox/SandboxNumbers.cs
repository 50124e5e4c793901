namespace Octopods.Sandbox
{
    /// <summary>
    /// Destination numbers with a documented fate in the sandbox (about_Octopods_Sandbox). Every other
    /// valid E.164 number is delivered. They sit in the +1 500 555 range Twilio keeps for tests.
    /// </summary>
    internal static class SandboxNumbers
    {
        /// <summary>Accepted, then ends Failed: not a valid mobile subscriber.</summary>
        public const string Fails = "+15005550001";
        /// <summary>Accepted, then ends Undelivered: handset out of coverage too long.</summary>
        public const string Undelivered = "+15005550002";
        /// <summary>Refused at send with the provider (Twilio) error: SMS error 4.</summary>
        public const string ProviderError = "+15005550003";
        /// <summary>Accepted and never leaves Queued: for trying -TimeoutSeconds.</summary>
        public const string StaysQueued = "+15005550004";
    }
}

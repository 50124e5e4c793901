namespace Octopods.Sandbox
{
    /// <summary>Keys with a documented meaning in the sandbox. Any other non-empty key is accepted.</summary>
    internal static class SandboxKeys
    {
        /// <summary>Answers the deprecated-key error (5 on SMS, 6 on WhatsApp and Viber).</summary>
        public const string Deprecated = "sandbox-deprecated-key";
        /// <summary>Answers 401, as a revoked or wrong-channel key does.</summary>
        public const string Invalid = "sandbox-invalid-key";
        /// <summary>The key Connect-Octopods -Sandbox uses.</summary>
        public const string Default = "sandbox-key";
    }
}

namespace Octopods
{
    /// <summary>
    /// A channel key. The value is reachable only through <see cref="Reveal"/>, which the transport
    /// calls when it writes the header; every other rendering is redacted so the key cannot leak
    /// through ToString, logs or serialisers.
    /// </summary>
    public sealed class ApiKey
    {
        private readonly string _value;

        public ApiKey(string value)
        {
            if (string.IsNullOrWhiteSpace(value))
                throw new Errors.OctopodsException(Errors.ErrorNames.ApiKeyEmpty, Errors.OctopodsErrorKind.InvalidArgument,
                    "The API key is empty", "Copy the key from the channel's settings screen in the Octopods app.");
            _value = value.Trim();
        }

        internal string Reveal() => _value;

        public string Redact(string? text) => text == null ? "" : text.Replace(_value, Redacted);

        public const string Redacted = "***";

        public override string ToString() => Redacted;
    }
}

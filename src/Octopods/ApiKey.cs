namespace Octopods
{
    /// <summary>
    /// A channel key. The value is reachable only through <see cref="Reveal"/>, which the transport
    /// calls when it writes the header; every other rendering is redacted so the key cannot leak
    /// through ToString, logs or serialisers.
    /// </summary>
    internal sealed class ApiKey
    {
        private readonly string _value;

        public ApiKey(string value)
        {
            if (string.IsNullOrWhiteSpace(value))
                throw new Errors.OctopodsException(Errors.ErrorNames.ApiKeyEmpty, Errors.OctopodsErrorKind.InvalidArgument,
                    "The API key is empty", "Copy the key from the channel's settings screen in the Octopods app.");
            _value = value.Trim();
            for (var i = 0; i < _value.Length; i++)
            {
                var c = _value[i];
                // A header value must be printable ASCII: a CR or LF would start another header, and
                // .NET would reject other characters only when the request is already being sent.
                if (c < 0x21 || c > 0x7E)
                    throw new Errors.OctopodsException(Errors.ErrorNames.ApiKeyInvalid, Errors.OctopodsErrorKind.InvalidArgument,
                        $"The API key has {(c < 0x20 || c == 0x7F ? "a control character" : c == ' ' ? "a space" : "a non-ASCII character")} at position {i + 1}, which cannot be sent in an HTTP header; nothing was sent",
                        "Copy the key again from the channel's settings screen in the Octopods app: keys are printable ASCII without spaces.");
            }
        }

        internal string Reveal() => _value;

        public string Redact(string? text) => text == null ? "" : text.Replace(_value, Redacted);

        public const string Redacted = "***";

        public override string ToString() => Redacted;
    }
}

namespace Octopods
{
    /// <summary>An Octopods channel. Each has its own API key and its own error numbering.</summary>
    public enum OctopodsChannel
    {
        Sms,
        WhatsApp,
        Viber,
    }
}

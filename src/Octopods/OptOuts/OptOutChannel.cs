namespace Octopods.OptOuts
{
    /// <summary>Which channel an opt-out blocks: one, or every channel the number could be reached on.</summary>
    public enum OptOutChannel
    {
        /// <summary>Every channel (SMS, WhatsApp and Viber).</summary>
        All,
        Sms,
        WhatsApp,
        Viber,
    }
}

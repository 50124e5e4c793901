namespace Octopods.Phones
{
    internal static class PhoneText
    {
        /// <summary>phone_number comes with or without the leading '+'; callers always see it with one.</summary>
        public static string? WithPlus(string? phone)
        {
            if (string.IsNullOrWhiteSpace(phone)) return null;
            var text = phone!.Trim();
            return text.StartsWith("+", System.StringComparison.Ordinal) ? text : "+" + text;
        }
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using Octopods.Errors;
using PhoneNumbers;

namespace Octopods.Phones
{
    /// <summary>
    /// Destination numbers in the E.164 form the API requires. National formats are converted only
    /// when the caller names a default region: guessing a country would send to the wrong person.
    /// </summary>
    internal static class PhoneNumberNormalizer
    {
        private static readonly Regex E164 = new Regex(@"^\+[1-9][0-9]{6,14}$", RegexOptions.CultureInvariant);

        // libphonenumber loads its metadata on first use (tens of ms), then checks a number in microseconds.
        private static readonly Lazy<PhoneNumberUtil> Util = new Lazy<PhoneNumberUtil>(PhoneNumberUtil.GetInstance);

        public static bool IsE164(string? text) => text != null && E164.IsMatch(text);

        /// <summary>Returns the number in E.164, or throws a PhoneMissing / PhoneInvalid error naming the input.</summary>
        public static string Normalize(string? input, string? defaultRegion)
        {
            var text = input?.Trim() ?? "";
            if (text.Length == 0)
            {
                throw new OctopodsException(ErrorNames.PhoneMissing, OctopodsErrorKind.InvalidArgument,
                    "The destination phone number is missing",
                    "Give the recipient with -DestinationPhone, or a To, Phone, PhoneNumber or Mobile column, in E.164 form such as +14155552671.");
            }
            if (E164.IsMatch(text))
            {
                // The same rule as for a number written any other way: +19990000000 has the shape of
                // E.164 but no country gives out such a number, exactly as +1 999 000 0000 has none.
                if (IsValid(text)) return text;
                throw new OctopodsException(ErrorNames.PhoneInvalid, OctopodsErrorKind.InvalidArgument,
                    $"'{text}' is not a valid phone number: no such number exists in its country code's plan",
                    "Check the digits after the country code; write it in E.164 form such as +14155552671.");
            }
            // 00 is the international prefix in most of the world: 0044… means +44….
            if (text.StartsWith("00", StringComparison.Ordinal)) text = "+" + text.Substring(2);

            var region = string.IsNullOrWhiteSpace(defaultRegion) ? null : defaultRegion!.Trim().ToUpperInvariant();
            if (region != null && !SupportedRegions.Contains(region))
            {
                throw new OctopodsException(ErrorNames.PhoneInvalid, OctopodsErrorKind.InvalidArgument,
                    $"'{defaultRegion}' is not a region code",
                    "Pass a two-letter ISO 3166 region such as US, GB or IE to -DefaultRegion.");
            }
            if (region != null || text.StartsWith("+", StringComparison.Ordinal))
            {
                try
                {
                    var parsed = Util.Value.Parse(text, region ?? "ZZ");
                    if (parsed.HasExtension)
                    {
                        // E.164 has no extension: dropping it would text the switchboard, silently.
                        throw new OctopodsException(ErrorNames.PhoneInvalid, OctopodsErrorKind.InvalidArgument,
                            $"'{text}' has an extension ({parsed.Extension}), which a text message cannot reach",
                            "Give the mobile number itself, without the extension, in E.164 form such as +14155552671.");
                    }
                    if (Util.Value.IsValidNumber(parsed)) return Util.Value.Format(parsed, PhoneNumberFormat.E164);
                }
                catch (NumberParseException)
                {
                    // Falls through to the error below, which names the input.
                }
                throw new OctopodsException(ErrorNames.PhoneInvalid, OctopodsErrorKind.InvalidArgument,
                    region != null ? $"'{text}' is not a valid phone number for region {region}" : $"'{text}' is not a valid phone number",
                    "Check the digits; write it in E.164 form such as +14155552671.");
            }
            throw new OctopodsException(ErrorNames.PhoneInvalid, OctopodsErrorKind.InvalidArgument,
                $"'{text}' is not in E.164 format",
                "Write it as + country code and number, e.g. +14155552671, or pass -DefaultRegion (e.g. US) to convert national numbers like (415) 555-2671.");
        }

        /// <summary>
        /// The one form of an E.164 number that compares equal however it was written: libphonenumber drops a
        /// trunk 0 after the country code (+4407911123456 is +447911123456). The input when it does not parse.
        /// </summary>
        public static string Canonical(string e164)
        {
            try { return Util.Value.Format(Util.Value.Parse(e164, "ZZ"), PhoneNumberFormat.E164); }
            catch (NumberParseException) { return e164; }
        }

        private static bool IsValid(string e164)
        {
            try { return Util.Value.IsValidNumber(Util.Value.Parse(e164, "ZZ")); }
            catch (NumberParseException) { return false; }
        }

        private static readonly Lazy<HashSet<string>> Regions = new Lazy<HashSet<string>>(() =>
            new HashSet<string>(Util.Value.GetSupportedRegions(), StringComparer.OrdinalIgnoreCase));

        public static ISet<string> SupportedRegions => Regions.Value;

        /// <summary>Region codes sorted, for tab completion.</summary>
        public static IEnumerable<string> RegionCodes => Regions.Value.OrderBy(r => r, StringComparer.Ordinal);
    }
}

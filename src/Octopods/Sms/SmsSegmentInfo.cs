namespace Octopods.Sms
{
    /// <summary>How a body is encoded and billed: what Measure-OctopodsSms shows and every send reports.</summary>
    public sealed class SmsSegmentInfo
    {
        public const string Gsm7 = "GSM-7";
        public const string Ucs2 = "UCS-2";

        internal SmsSegmentInfo(string body, string encoding, int characters, int units, int segments, int unitsPerSegment, int unitsLeft, string[] unicodeCharacters)
        {
            Body = body;
            Encoding = encoding;
            Characters = characters;
            Units = units;
            Segments = segments;
            UnitsPerSegment = unitsPerSegment;
            UnitsLeftInLastSegment = unitsLeft;
            UnicodeCharacters = new CharacterList(unicodeCharacters);
        }

        public string Body { get; }
        /// <summary>GSM-7 or UCS-2.</summary>
        public string Encoding { get; }
        /// <summary>Characters as a person counts them (an emoji is one).</summary>
        public int Characters { get; }
        /// <summary>What is billed against segment sizes: GSM-7 septets (extension characters count two) or UTF-16 code units (an emoji is two).</summary>
        public int Units { get; }
        public int Segments { get; }
        /// <summary>160 or 153 for GSM-7, 70 or 67 for UCS-2, depending on whether the message is split.</summary>
        public int UnitsPerSegment { get; }
        public int UnitsLeftInLastSegment { get; }
        /// <summary>The distinct characters that forced UCS-2; empty for GSM-7. As text (a CSV cell), separated by spaces.</summary>
        public CharacterList UnicodeCharacters { get; }

        public override string ToString() => $"{Encoding}, {Units} units, {Segments} segment(s)";
    }
}

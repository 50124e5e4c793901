using System;
using System.Collections.Generic;

namespace Octopods.Sms
{
    /// <summary>GSM 03.38 segment arithmetic, as carriers bill it.</summary>
    internal static class SmsSegments
    {
        public const int GsmSingle = 160, GsmMulti = 153, UcsSingle = 70, UcsMulti = 67;

        private const string Basic =
            "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
        private const string Extension = "^{}\\[~]|€\f";

        private static readonly HashSet<char> BasicSet = new HashSet<char>(Basic);
        private static readonly HashSet<char> ExtensionSet = new HashSet<char>(Extension);

        /// <summary>Septets a character takes in GSM-7: 1, 2 for the extension table, 0 when it is not GSM-7 at all.</summary>
        public static int Septets(char c) => BasicSet.Contains(c) ? 1 : ExtensionSet.Contains(c) ? 2 : 0;

        public static SmsSegmentInfo Measure(string? body)
        {
            body ??= "";
            var unicode = new List<string>();
            var septets = 0;
            for (var i = 0; i < body.Length; i++)
            {
                var cost = Septets(body[i]);
                if (cost == 0)
                {
                    var text = char.IsHighSurrogate(body[i]) && i + 1 < body.Length && char.IsLowSurrogate(body[i + 1])
                        ? body.Substring(i, 2)
                        : body[i].ToString();
                    if (!unicode.Contains(text)) unicode.Add(text);
                    if (text.Length == 2) i++;
                }
                septets += cost;
            }
            var characters = CountCodePoints(body);

            if (unicode.Count == 0)
            {
                var segments = Pack(body, septets, GsmSingle, GsmMulti, isGsm: true, out var left);
                return new SmsSegmentInfo(body, SmsSegmentInfo.Gsm7, characters, septets, segments, segments <= 1 ? GsmSingle : GsmMulti, left, Array.Empty<string>());
            }
            var ucsSegments = Pack(body, body.Length, UcsSingle, UcsMulti, isGsm: false, out var ucsLeft);
            return new SmsSegmentInfo(body, SmsSegmentInfo.Ucs2, characters, body.Length, ucsSegments, ucsSegments <= 1 ? UcsSingle : UcsMulti, ucsLeft, unicode.ToArray());
        }

        /// <summary>
        /// Segments needed when split. A character is never cut across two segments: an extension
        /// character's escape pair, or an emoji's surrogate pair, moves whole to the next segment.
        /// </summary>
        private static int Pack(string body, int total, int single, int multi, bool isGsm, out int left)
        {
            if (total == 0) { left = single; return 1; }
            if (total <= single) { left = single - total; return 1; }
            var segments = 1;
            var used = 0;
            for (var i = 0; i < body.Length; i++)
            {
                int cost;
                if (isGsm) cost = Septets(body[i]);
                else cost = char.IsHighSurrogate(body[i]) && i + 1 < body.Length && char.IsLowSurrogate(body[i + 1]) ? 2 : 1;
                if (!isGsm && cost == 2) i++;
                if (used + cost > multi)
                {
                    segments++;
                    used = 0;
                }
                used += cost;
            }
            left = multi - used;
            return segments;
        }

        private static int CountCodePoints(string text)
        {
            var count = 0;
            for (var i = 0; i < text.Length; i++)
            {
                if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
                count++;
            }
            return count;
        }
    }
}

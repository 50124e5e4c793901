using System.Text;

namespace Octopods.Text
{
    /// <summary>
    /// Text from outside the module (a service's answer, a journal file) made safe to show: an ESC
    /// or CSI would start a terminal control sequence (recolour, clear the screen, retitle the
    /// window), a NUL or backspace would hide what precedes it, and a CR would let a value overwrite
    /// its own line. Such characters become U+FFFD; text keeps its line ends and tabs.
    /// </summary>
    internal static class PrintableText
    {
        private const char Replacement = '\uFFFD';

        /// <summary>For text (messages, statuses): CR and CRLF become LF; other control characters U+FFFD.</summary>
        public static string? Of(string? text) => Clean(text, keepLines: true);

        /// <summary>For an id or a number: every control character, line ends and tabs included, becomes U+FFFD.</summary>
        public static string? Id(string? text) => Clean(text, keepLines: false);

        private static string? Clean(string? text, bool keepLines)
        {
            if (text == null) return null;
            var i = 0;
            while (i < text.Length && !IsControl(text[i])) i++;
            if (i == text.Length) return text;   // the usual case: nothing to change, nothing allocated
            var clean = new StringBuilder(text.Length);
            clean.Append(text, 0, i);
            for (; i < text.Length; i++)
            {
                var c = text[i];
                if (!IsControl(c)) clean.Append(c);
                else if (keepLines && (c == '\n' || c == '\t')) clean.Append(c);
                else if (keepLines && c == '\r')
                {
                    clean.Append('\n');
                    if (i + 1 < text.Length && text[i + 1] == '\n') i++;
                }
                else clean.Append(Replacement);
            }
            return clean.ToString();
        }

        // C0, DEL and C1 (0x9B is a one-character CSI on some terminals).
        private static bool IsControl(char c) => c < 0x20 || (c >= 0x7F && c <= 0x9F);
    }
}

using Octopods.Errors;

namespace Octopods.Text
{
    /// <summary>Text the service would receive changed: JSON cannot carry half of a surrogate pair, so it would arrive as U+FFFD.</summary>
    internal static class UnicodeText
    {
        /// <summary>The position (1-based) of the first lone surrogate in <paramref name="text"/>, or 0.</summary>
        public static int LoneSurrogateAt(string? text)
        {
            if (text == null) return 0;
            for (var i = 0; i < text.Length; i++)
            {
                if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
                else if (char.IsSurrogate(text[i])) return i + 1;
            }
            return 0;
        }

        /// <summary>Throws <see cref="ErrorNames.TextInvalid"/> naming <paramref name="what"/> when the text holds a lone surrogate.</summary>
        public static void ThrowIfBroken(string? text, string what)
        {
            var at = LoneSurrogateAt(text);
            if (at == 0) return;
            throw new OctopodsException(ErrorNames.TextInvalid, OctopodsErrorKind.InvalidArgument,
                $"{what} has half of a character pair at position {at} (a broken emoji, often from a file saved in the wrong encoding); it would arrive as a replacement character, so it was not sent",
                "Fix the text, or save the CSV file as UTF-8 and import it again.");
        }
    }
}

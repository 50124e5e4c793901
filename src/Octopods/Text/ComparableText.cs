using System;
using System.Text;

namespace Octopods.Text
{
    /// <summary>
    /// Text as a reader compares it: one Unicode form (NFC), one kind of line end, no spaces at the
    /// ends of lines or of the text. A CSV saved again by another editor changes these and nothing a
    /// recipient sees, so a row's identity must not change with them (or a resume sends it again).
    /// </summary>
    internal static class ComparableText
    {
        public static string Of(string? text)
        {
            if (string.IsNullOrEmpty(text)) return "";
            var form = text!;
            try
            {
                if (!form.IsNormalized(NormalizationForm.FormC)) form = form.Normalize(NormalizationForm.FormC);
            }
            catch (ArgumentException)
            {
                // Half of a character pair cannot be normalised; such text is refused before sending anyway.
            }
            if (form.IndexOf('\r') < 0 && form.IndexOf('\n') < 0) return form.Trim();
            var lines = form.Replace("\r\n", "\n").Replace('\r', '\n').Split('\n');
            for (var i = 0; i < lines.Length; i++) lines[i] = lines[i].TrimEnd();
            return string.Join("\n", lines).Trim();
        }
    }
}

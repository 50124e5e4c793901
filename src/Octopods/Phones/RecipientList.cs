using System;
using System.Collections.Generic;

namespace Octopods.Phones
{
    /// <summary>
    /// The numbers one -DestinationPhone value names: each given string may itself list several,
    /// separated by ';' or ',' (a CSV cell such as "+14155550101;+14155550102"). No phone number is
    /// written with either character, so splitting never breaks a number that could have been sent.
    /// </summary>
    internal static class RecipientList
    {
        private static readonly char[] Separators = { ';', ',' };

        /// <summary>
        /// The numbers in the order given, blanks between separators dropped (a trailing ';' from a
        /// spreadsheet); not yet normalized or deduplicated. Nothing given at all yields one empty
        /// entry, so the send reports the missing number once.
        /// </summary>
        public static IReadOnlyList<string> Split(IEnumerable<string?>? values)
        {
            var numbers = new List<string>();
            if (values != null)
            {
                foreach (var value in values)
                {
                    if (value == null) continue;
                    foreach (var piece in value.Split(Separators, StringSplitOptions.None))
                    {
                        var number = piece.Trim();
                        if (number.Length > 0) numbers.Add(number);
                    }
                }
            }
            if (numbers.Count == 0) numbers.Add("");
            return numbers;
        }
    }
}

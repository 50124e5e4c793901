using System.Collections.Generic;
using System.Collections.ObjectModel;

namespace Octopods.Sms
{
    /// <summary>
    /// The characters that forced UCS-2, as a list that reads as text: Export-Csv writes a value's
    /// ToString(), which for a plain array is "System.String[]"; this one writes the characters.
    /// </summary>
    public sealed class CharacterList : ReadOnlyCollection<string>
    {
        internal CharacterList(IList<string> characters) : base(characters) { }

        public override string ToString() => string.Join(" ", this);
    }
}

using Octopods.Sms;
using Xunit;

namespace Octopods.Tests.Sms
{
    public class SmsSegmentsTests
    {
        [Theory]
        [InlineData(0, 1)]
        [InlineData(1, 1)]
        [InlineData(160, 1)]
        [InlineData(161, 2)]
        [InlineData(306, 2)]
        [InlineData(307, 3)]
        [InlineData(459, 3)]
        [InlineData(460, 4)]
        public void Gsm7_fits_160_alone_and_153_per_part(int length, int segments)
        {
            var info = SmsSegments.Measure(new string('a', length));
            Assert.Equal("GSM-7", info.Encoding);
            Assert.Equal(length, info.Units);
            Assert.Equal(segments, info.Segments);
            Assert.Equal(segments == 1 ? 160 : 153, info.UnitsPerSegment);
        }

        [Fact]
        public void Extension_characters_take_two_septets()
        {
            Assert.Equal(160, SmsSegments.Measure(new string('{', 80)).Units);
            Assert.Equal(1, SmsSegments.Measure(new string('{', 80)).Segments);
            var over = SmsSegments.Measure(new string('€', 81));
            Assert.Equal(162, over.Units);
            Assert.Equal(81, over.Characters);
            Assert.Equal(2, over.Segments);
            Assert.Equal("GSM-7", over.Encoding);
            Assert.Equal(10 * 2 + 1, SmsSegments.Measure("^{}\\[~]|€\f ").Units);
        }

        [Fact]
        public void An_extension_character_is_never_split_across_segments()
        {
            // 152 plain + '€' (2) = 154 > 153: the escape pair moves whole into part two.
            var info = SmsSegments.Measure(new string('a', 152) + "€" + new string('a', 10));
            Assert.Equal(164, info.Units);
            Assert.Equal(2, info.Segments);
            Assert.Equal(153 - 12, info.UnitsLeftInLastSegment);
        }

        [Theory]
        [InlineData(70, 1)]
        [InlineData(71, 2)]
        [InlineData(134, 2)]
        [InlineData(135, 3)]
        public void Ucs2_fits_70_alone_and_67_per_part(int length, int segments)
        {
            var info = SmsSegments.Measure("ł" + new string('a', length - 1));
            Assert.Equal("UCS-2", info.Encoding);
            Assert.Equal(length, info.Units);
            Assert.Equal(segments, info.Segments);
            Assert.Equal(segments == 1 ? 70 : 67, info.UnitsPerSegment);
            Assert.Equal(new[] { "ł" }, info.UnicodeCharacters);
        }

        [Fact]
        public void An_emoji_counts_two_units_one_character_and_is_not_split()
        {
            var single = SmsSegments.Measure("Hi 🚚");
            Assert.Equal("UCS-2", single.Encoding);
            Assert.Equal(5, single.Units);
            Assert.Equal(4, single.Characters);
            Assert.Equal(new[] { "🚚" }, single.UnicodeCharacters);

            // 66 units + emoji (2) = 68 > 67: the surrogate pair moves whole into part two.
            var boundary = SmsSegments.Measure(new string('a', 66) + "🚚" + new string('a', 3));
            Assert.Equal(71, boundary.Units);
            Assert.Equal(2, boundary.Segments);
            Assert.Equal(67 - 5, boundary.UnitsLeftInLastSegment);
        }

        [Fact]
        public void Gsm_accented_letters_stay_gsm_others_force_ucs2_and_are_listed_once()
        {
            Assert.Equal("GSM-7", SmsSegments.Measure("Café àéèùìò ÄÖÑÜ äöñü ß £¥").Encoding);
            var info = SmsSegments.Measure("Crème brûlée brûlée");
            Assert.Equal("UCS-2", info.Encoding);
            Assert.Equal(new[] { "û" }, info.UnicodeCharacters);
            Assert.Equal("UCS-2", SmsSegments.Measure("Привет").Encoding);
            Assert.Equal(6, SmsSegments.Measure("Привет").UnicodeCharacters.Count);
        }
    }
}

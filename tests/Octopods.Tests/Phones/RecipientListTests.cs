using System.Text;
using Octopods.Errors;
using Octopods.Phones;
using Octopods.Sms;
using Xunit;

namespace Octopods.Tests.Phones
{
    public class RecipientListTests
    {
        [Theory]
        [InlineData("+14155550101;+14155550102", "+14155550101|+14155550102")]
        [InlineData("+14155550101, +14155550102,", "+14155550101|+14155550102")]
        [InlineData(" (415) 555-0101 ;; 4155550102 ", "(415) 555-0101|4155550102")]
        [InlineData("+14155550101", "+14155550101")]
        public void A_text_listing_several_numbers_is_split_in_order(string text, string expected)
        {
            Assert.Equal(expected.Split('|'), RecipientList.Split(new[] { text }));
        }

        [Fact]
        public void Array_items_are_split_and_kept_in_order_with_repeats_left_to_the_caller()
        {
            Assert.Equal(new[] { "+14155550103", "+14155550101", "+14155550102", "+14155550103" },
                RecipientList.Split(new[] { "+14155550103", null, "+14155550101;+14155550102", "", "+14155550103" }));
        }

        [Fact]
        public void Nothing_given_is_one_missing_number_so_it_is_reported_once()
        {
            Assert.Equal(new[] { "" }, RecipientList.Split(null));
            Assert.Equal(new[] { "" }, RecipientList.Split(System.Array.Empty<string?>()));
            Assert.Equal(new[] { "" }, RecipientList.Split(new string?[] { null }));
            Assert.Equal(new[] { "" }, RecipientList.Split(new[] { " ; , " }));
        }
    }
}

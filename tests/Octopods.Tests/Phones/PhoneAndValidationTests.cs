using System.Text;
using Octopods.Errors;
using Octopods.Phones;
using Octopods.Sms;
using Xunit;

namespace Octopods.Tests.Phones
{
    public class PhoneAndValidationTests
    {
        [Theory]
        [InlineData("+1 415 555 2671 ext. 5", null)]
        [InlineData("(415) 555-2671 x12", "US")]
        public void A_number_with_an_extension_is_refused_not_cut(string input, string? region)
        {
            var ex = Assert.Throws<OctopodsException>(() => PhoneNumberNormalizer.Normalize(input, region));
            Assert.Equal(ErrorNames.PhoneInvalid, ex.ErrorName);
            Assert.Contains("extension", ex.Message);
        }

        [Fact]
        public void Text_with_half_a_character_pair_is_refused_and_whole_pairs_pass()
        {
            var broken = "Parcel " + "\ud83d" + " on its way";
            var ex = Assert.Throws<OctopodsException>(() => SmsSendRequest.Create("+14155552671", broken));
            Assert.Equal(ErrorNames.TextInvalid, ex.ErrorName);
            Assert.Contains("position 8", ex.Message);
            Assert.Equal(0, Octopods.Text.UnicodeText.LoneSurrogateAt("Parcel 🚚 on its way"));
            Assert.Equal(1, Octopods.Text.UnicodeText.LoneSurrogateAt("\udc00x"));
            var variable = Assert.Throws<OctopodsException>(() => Octopods.Templates.TemplateVariables.FromSections(null, new[] { "ok", "bad" + "\ud800" }, null, null));
            Assert.Contains("Variable 2", variable.Message);
        }

        [Theory]
        [InlineData("+14155552671", null, "+14155552671")]
        [InlineData(" +14155552671 ", null, "+14155552671")]
        [InlineData("+1 (415) 555-2671", null, "+14155552671")]
        [InlineData("(415) 555-2671", "US", "+14155552671")]
        [InlineData("415.555.2671", "us", "+14155552671")]
        [InlineData("087 123 4567", "IE", "+353871234567")]
        [InlineData("07400 123456", "GB", "+447400123456")]
        [InlineData("0044 7400 123456", null, "+447400123456")]
        public void Numbers_normalise_to_e164(string input, string? region, string expected) =>
            Assert.Equal(expected, PhoneNumberNormalizer.Normalize(input, region));

        [Fact]
        public void A_national_number_without_a_region_is_an_error_naming_the_input_and_the_fix()
        {
            var ex = Assert.Throws<OctopodsException>(() => PhoneNumberNormalizer.Normalize("(415) 555-2671", null));
            Assert.Equal(ErrorNames.PhoneInvalid, ex.ErrorName);
            Assert.Contains("'(415) 555-2671'", ex.Message);
            Assert.Contains("-DefaultRegion", ex.Message);
        }

        [Theory]
        [InlineData("+1415")]
        [InlineData("+1 999 000 0000")]
        [InlineData("12345", "US")]
        public void Invalid_numbers_are_phone_invalid(string input, string? region = null) =>
            Assert.Equal(ErrorNames.PhoneInvalid, Assert.Throws<OctopodsException>(() => PhoneNumberNormalizer.Normalize(input, region)).ErrorName);

        [Theory]
        [InlineData("+19990000000", "+1 999 000 0000")]         // shape of E.164, no such NANP area code
        [InlineData("+447700900123", "+44 7700 900123")]         // Ofcom's range for drama: never a real phone
        public void One_validity_rule_whatever_the_number_is_written_as(string e164, string spaced)
        {
            Assert.Equal(ErrorNames.PhoneInvalid, Assert.Throws<OctopodsException>(() => PhoneNumberNormalizer.Normalize(e164, null)).ErrorName);
            Assert.Equal(ErrorNames.PhoneInvalid, Assert.Throws<OctopodsException>(() => PhoneNumberNormalizer.Normalize(spaced, null)).ErrorName);
        }

        [Theory]
        [InlineData("+123456")]                 // 6 digits: below any E.164 number
        [InlineData("+1234567890123456")]       // 16 digits: E.164 allows at most 15
        [InlineData("+12345678901234567890")]
        public void Numbers_outside_the_length_E164_allows_are_refused(string input) =>
            Assert.Equal(ErrorNames.PhoneInvalid, Assert.Throws<OctopodsException>(() => PhoneNumberNormalizer.Normalize(input, null)).ErrorName);

        [Theory]
        [InlineData("+14155552671")]
        [InlineData("+353871234567")]            // Ireland, 12 digits
        [InlineData("+8613812345678")]           // China mobile, 13 digits
        public void Valid_numbers_of_any_length_within_the_bounds_pass_unchanged(string input) =>
            Assert.Equal(input, PhoneNumberNormalizer.Normalize(input, null));

        [Fact]
        public void An_unknown_region_says_so()
        {
            var ex = Assert.Throws<OctopodsException>(() => PhoneNumberNormalizer.Normalize("4155552671", "XX"));
            Assert.Contains("'XX' is not a region code", ex.Message);
        }

        [Theory]
        [InlineData(null)]
        [InlineData("")]
        [InlineData("   ")]
        public void A_missing_number_is_phone_missing(string? input) =>
            Assert.Equal(ErrorNames.PhoneMissing, Assert.Throws<OctopodsException>(() => SmsSendRequest.Create(input, "hi")).ErrorName);

        [Theory]
        [InlineData(null)]
        [InlineData("")]
        [InlineData(" \t\n")]
        public void A_blank_body_is_body_empty(string? body) =>
            Assert.Equal(ErrorNames.BodyEmpty, Assert.Throws<OctopodsException>(() => SmsSendRequest.Create("+14155552671", body)).ErrorName);

        [Fact]
        public void Bodies_over_1600_characters_are_refused_at_1601()
        {
            Assert.Equal(1600, SmsSendRequest.Create("+14155552671", new string('a', 1600)).Body.Length);
            var ex = Assert.Throws<OctopodsException>(() => SmsSendRequest.Create("+14155552671", new string('a', 1601)));
            Assert.Equal(ErrorNames.BodyTooLong, ex.ErrorName);
            Assert.Contains("1601", ex.Message);
            // 1600 emoji are 1600 characters (3200 UTF-16 units): still allowed.
            Assert.NotNull(SmsSendRequest.Create("+14155552671", string.Concat(System.Linq.Enumerable.Repeat("🚚", 1600))));
        }

        [Fact]
        public void The_request_json_has_the_documented_field_names_and_omits_unset_options()
        {
            var minimal = Encoding.UTF8.GetString(SmsSendRequest.Create("+14155552671", "Hi Alex — ok").ToJson());
            Assert.Equal("{\"destination_phone\":\"+14155552671\",\"body\":\"Hi Alex — ok\"}", minimal);
            var full = Encoding.UTF8.GetString(SmsSendRequest.Create("+14155552671", "x", " Alex ", false, "77").ToJson());
            Assert.Equal("{\"destination_phone\":\"+14155552671\",\"body\":\"x\",\"destination_user_name\":\"Alex\",\"open_intercom_conversation\":false,\"intercom_teammate_id\":\"77\"}", full);
        }

        [Theory]
        [InlineData("Your code is 1234\u0000", 18)]
        [InlineData("\u001b[31mSale\u001b[0m today", 1)]
        [InlineData("Bell\u0007", 5)]
        public void A_body_with_a_control_character_is_refused_naming_where(string body, int position)
        {
            var ex = Assert.Throws<OctopodsException>(() => SmsSendRequest.Create("+14155552671", body));
            Assert.Equal(ErrorNames.BodyControlCharacter, ex.ErrorName);
            Assert.Contains($"at position {position}", ex.Message);
        }

        [Fact]
        public void Line_breaks_and_tabs_are_text() =>
            Assert.Equal("Line one\r\nLine two\tend", SmsSendRequest.Create("+14155552671", "Line one\r\nLine two\tend").Body);
    }
}

using Octopods.Errors;
using Octopods.Phones;
using Xunit;

namespace Octopods.Tests.Contract
{
    /// <summary>
    /// The E.164 rule on literal numbers from the public pages (docs/dev/api-contract.md#sources), without
    /// the emulator (which reuses <see cref="PhoneNumberNormalizer.IsE164"/> for its own code 3 / code 5
    /// answers).
    /// </summary>
    public class PhoneContractTests
    {
        [Theory]
        [InlineData("+14155552671")]     // docs/dev/api-contract.md#sms-send table, docs/dev/api-contract.md#sms-send-reference
        [InlineData("+15551234567")]     // docs/dev/api-contract.md#sms-api-overview "Required parameters"
        [InlineData("+353838000000")]    // docs/dev/api-contract.md#sms-api-article-intercom-and-hubspot cURL example
        [InlineData("+8613812345678")]   // 13 digits
        [InlineData("+123456789012345")] // 15 digits, the most E.164 allows
        public void E164_shaped_numbers_pass_the_shape_check(string phone) =>
            Assert.True(PhoneNumberNormalizer.IsE164(phone));

        [Theory]
        [InlineData("353838000000")]        // docs/dev/api-contract.md#sms-api-article-intercom-and-hubspot phone_number echo: no leading + (docs/dev/api-contract.md#sms-error-codes, code 3)
        [InlineData("14155552671")]
        [InlineData("+1 415 555 2671")]     // spaces
        [InlineData("+1-415-555-2671")]
        [InlineData("(415) 555-2671")]
        [InlineData("+04155552671")]        // no country code starts with 0
        [InlineData("+1234567890123456")]   // 16 digits
        [InlineData("+123456")]             // too short for any plan
        [InlineData("+14155552671 ")]       // the check itself trims nothing
        [InlineData("")]
        [InlineData(null)]
        public void Anything_else_fails_the_shape_check(string? phone) =>
            Assert.False(PhoneNumberNormalizer.IsE164(phone));

        [Theory]
        [InlineData("+14155552671")]
        [InlineData("+353838000000")]
        public void The_source_examples_that_are_real_numbers_are_sent_unchanged(string phone) =>
            Assert.Equal(phone, PhoneNumberNormalizer.Normalize(phone, null));

        /// <summary>
        /// The SMS API overview's example +15551234567 (docs/dev/api-contract.md#sms-api-overview) has the
        /// E.164 shape, but 555 is no North American area code: the client refuses it before spending a request (a deliberate rule, see
        /// PhoneAndValidationTests.One_validity_rule_whatever_the_number_is_written_as), under the name
        /// the service uses for its own code 3.
        /// </summary>
        [Fact]
        public void The_sms_api_overviews_fictional_example_is_refused_as_phone_invalid()
        {
            var ex = Assert.Throws<OctopodsException>(() => PhoneNumberNormalizer.Normalize("+15551234567", null));
            Assert.Equal("PhoneInvalid", ex.ErrorName);
            Assert.Contains("'+15551234567'", ex.Message, System.StringComparison.Ordinal);
        }
    }
}

using System;
using System.Net.Http.Headers;
using Octopods.Http;
using Xunit;

namespace Octopods.Tests.Http
{
    public class RateLimitNoticeTests
    {
        private static readonly DateTimeOffset Now = new DateTimeOffset(2026, 4, 24, 12, 34, 50, TimeSpan.Zero);

        [Theory]
        [InlineData("You have fired too many requests. Please try after 2026-04-24 12:34:56 UTC.")]
        [InlineData("please TRY AFTER 2026-04-24T12:34:56 utc")]
        [InlineData("Please try after 2026-04-24 12:34:56.")]
        [InlineData("Please try again after 2026-04-24 12:34:56 GMT")]
        public void The_try_after_time_is_read_as_utc(string message) =>
            Assert.Equal(new DateTimeOffset(2026, 4, 24, 12, 34, 56, TimeSpan.Zero), RateLimitNotice.ParseTryAfter(message));

        [Theory]
        [InlineData(null)]
        [InlineData("")]
        [InlineData("You have fired too many requests.")]
        [InlineData("Please try after tomorrow")]
        [InlineData("Please try after 2026-13-45 99:99:99 UTC")]
        public void No_time_means_null(string? message) => Assert.Null(RateLimitNotice.ParseTryAfter(message));

        [Fact]
        public void Wait_is_the_time_until_the_named_instant_never_negative()
        {
            Assert.Equal(TimeSpan.FromSeconds(6), RateLimitNotice.WaitFor(null, null, "Please try after 2026-04-24 12:34:56 UTC.", Now));
            Assert.Equal(TimeSpan.Zero, RateLimitNotice.WaitFor(null, null, "Please try after 2026-04-24 12:00:00 UTC.", Now));
            Assert.Null(RateLimitNotice.WaitFor(null, null, "slow down", Now));
        }

        [Fact]
        public void Retry_after_header_wins_in_seconds_or_as_a_date()
        {
            Assert.Equal(TimeSpan.FromSeconds(3), RateLimitNotice.WaitFor(new RetryConditionHeaderValue(TimeSpan.FromSeconds(3)), null, "Please try after 2026-04-24 12:34:56 UTC.", Now));
            Assert.Equal(TimeSpan.FromSeconds(20), RateLimitNotice.WaitFor(new RetryConditionHeaderValue(Now.AddSeconds(20)), null, null, Now));
        }
    }
}

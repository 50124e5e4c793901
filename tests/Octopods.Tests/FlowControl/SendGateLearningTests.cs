using System;
using System.Threading;
using System.Threading.Tasks;
using Octopods.FlowControl;
using Octopods.Http;
using Octopods.Time;
using Xunit;

namespace Octopods.Tests.FlowControl
{
    /// <summary>How the gate learns the service's limit from its 429s (virtual time: deterministic).</summary>
    public class SendGateLearningTests
    {
        private readonly VirtualClock _clock = new VirtualClock();

        /// <summary>Sends <paramref name="count"/> answered sends, <paramref name="apart"/> apart.</summary>
        private async Task Accepted(SendGate gate, int count, TimeSpan apart)
        {
            for (var i = 0; i < count; i++)
            {
                _clock.Advance(apart);
                var ticket = await gate.BeforeSendAsync(paced: true, null, CancellationToken.None);
                gate.Answered(ticket);
                gate.AfterAttempt(ticket);
            }
        }

        /// <summary>A send refused with a 429 naming <paramref name="wait"/>, then the next send, after the pause (when the gate learns).</summary>
        private static async Task<bool> Refused(SendGate gate, TimeSpan wait)
        {
            var ticket = await gate.BeforeSendAsync(paced: true, null, CancellationToken.None);
            var within = gate.RateLimited(wait, ticket);
            gate.AfterAttempt(ticket);
            var next = await gate.BeforeSendAsync(paced: true, null, CancellationToken.None);
            gate.Answered(next);
            gate.AfterAttempt(next);
            return within;
        }

        [Fact]
        public async Task A_429_after_a_second_of_sends_paces_the_rest_of_the_run_to_what_the_service_took()
        {
            using var gate = new SendGate(_clock);
            await Accepted(gate, 30, TimeSpan.FromMilliseconds(40));   // 25 in the last second
            Assert.Null(gate.Pacer);
            Assert.True(await Refused(gate, TimeSpan.FromSeconds(1)));
            Assert.Equal(25, gate.LearnedRatePerSecond);
            Assert.Equal(25, gate.Pacer!.RatePerSecond);
        }

        [Fact]
        public async Task A_429_to_the_first_send_learns_nothing()
        {
            using var gate = new SendGate(_clock);
            Assert.True(await Refused(gate, TimeSpan.FromSeconds(1)));
            Assert.Null(gate.LearnedRatePerSecond);
            Assert.Null(gate.Pacer);
        }

        [Fact]
        public async Task A_429_within_a_second_of_the_last_pause_learns_nothing_from_that_short_second()
        {
            using var gate = new SendGate(_clock);
            await Accepted(gate, 30, TimeSpan.FromMilliseconds(40));
            Assert.True(await Refused(gate, TimeSpan.FromSeconds(1)));
            await Accepted(gate, 5, TimeSpan.FromMilliseconds(40));    // only 6 since the pause: not the service's limit
            Assert.True(await Refused(gate, TimeSpan.FromSeconds(1)));
            Assert.Equal(25, gate.LearnedRatePerSecond);
        }

        [Fact]
        public async Task A_learned_rate_falls_a_step_at_a_time_when_refused_at_the_rate_learned()
        {
            using var gate = new SendGate(_clock, new RatePacer(20, _clock));
            await Accepted(gate, 40, TimeSpan.FromMilliseconds(20));   // the pacer spaces them: 19 or 20 in the last second
            Assert.True(await Refused(gate, TimeSpan.FromSeconds(1)));
            Assert.InRange(gate.Pacer!.RatePerSecond, 19, 20);
            _clock.Advance(TimeSpan.FromSeconds(2));
            await Accepted(gate, 30, TimeSpan.FromMilliseconds(100));  // 10 in the last second
            Assert.True(await Refused(gate, TimeSpan.FromSeconds(1)));
            Assert.Equal(10, gate.LearnedRatePerSecond);
            Assert.Equal(10, gate.Pacer.RatePerSecond);
            _clock.Advance(TimeSpan.FromSeconds(2));
            await Accepted(gate, 30, TimeSpan.FromMilliseconds(40));   // asked faster, but paced at 10/s: 9 or 10 in a second
            Assert.True(await Refused(gate, TimeSpan.FromSeconds(1)));
            // Refused at the rate learned: one step down, never back up.
            Assert.Equal(9, gate.LearnedRatePerSecond);
            Assert.Equal(9, gate.Pacer.RatePerSecond);
        }

        [Fact]
        public async Task Answers_to_reads_do_not_count_as_sends_the_service_took()
        {
            using var gate = new SendGate(_clock);
            await Accepted(gate, 6, TimeSpan.FromMilliseconds(10));
            for (var i = 0; i < 20; i++)
            {
                var read = await gate.BeforeSendAsync(paced: false, null, CancellationToken.None);
                gate.Answered(read);
            }
            Assert.True(await Refused(gate, TimeSpan.FromSeconds(1)));
            Assert.Equal(6, gate.LearnedRatePerSecond);
        }

        [Fact]
        public async Task A_429_that_names_no_time_teaches_nothing()
        {
            using var gate = new SendGate(_clock);
            await Accepted(gate, 30, TimeSpan.FromMilliseconds(40));
            var ticket = await gate.BeforeSendAsync(paced: true, null, CancellationToken.None);
            Assert.True(gate.RateLimited(TimeSpan.FromSeconds(5), ticket, namedTime: false));   // a 429 without a usable time
            gate.AfterAttempt(ticket);
            await Accepted(gate, 1, TimeSpan.Zero);
            Assert.Null(gate.LearnedRatePerSecond);
            Assert.Null(gate.Pacer);
        }

        [Fact]
        public async Task A_learned_rate_is_probed_upward_every_thirty_quiet_seconds_but_never_past_the_rate_asked_for()
        {
            using var gate = new SendGate(_clock, new RatePacer(12, _clock));
            await Accepted(gate, 30, TimeSpan.FromMilliseconds(100));  // 10 a second
            Assert.True(await Refused(gate, TimeSpan.FromSeconds(1)));
            Assert.Equal(10, gate.LearnedRatePerSecond);
            await Accepted(gate, 280, TimeSpan.FromMilliseconds(110)); // thirty-one quiet seconds
            Assert.Equal(11, gate.LearnedRatePerSecond);
            Assert.Equal(11, gate.Pacer!.RatePerSecond);
            await Accepted(gate, 900, TimeSpan.FromMilliseconds(110)); // ninety more: 12 is as far as it goes
            Assert.Equal(12, gate.LearnedRatePerSecond);
            Assert.Equal(12, gate.Pacer.RatePerSecond);
        }

        [Fact]
        public async Task A_first_429_moments_after_the_first_send_with_a_handful_taken_teaches_nothing()
        {
            // Another run had nearly filled the service's window: 2 taken is not the service's rate.
            using var gate = new SendGate(_clock);
            await Accepted(gate, 2, TimeSpan.FromMilliseconds(10));
            Assert.True(await Refused(gate, TimeSpan.FromSeconds(1)));
            Assert.Null(gate.LearnedRatePerSecond);
            Assert.Null(gate.Pacer);
        }
    }
}

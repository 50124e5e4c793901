using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Octopods.FlowControl;
using Octopods.Bulk;
using Octopods.Errors;
using Octopods.Http;
using Octopods.Time;
using Xunit;

namespace Octopods.Tests.FlowControl
{
    public class SendGatePauseTests
    {
        private static readonly DateTimeOffset T0 = new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

        [Fact]
        public async Task The_gate_holds_everyone_until_the_pause_ends()
        {
            var clock = new VirtualClock(T0);
            var gate = new SendGate(clock);
            _ = gate.RateLimited(TimeSpan.FromSeconds(7), gate.Current);
            _ = gate.RateLimited(TimeSpan.FromSeconds(3), gate.Current); // a shorter pause does not shorten the longer one
            Assert.Equal(TimeSpan.FromSeconds(7), gate.PauseLeft);
            await gate.BeforeSendAsync(paced: true, null, CancellationToken.None);
            Assert.True(clock.UtcNow >= T0 + TimeSpan.FromSeconds(7));
            Assert.Equal(1, gate.Pauses);
        }

        [Fact]
        public void A_pause_is_counted_once_however_many_429s_set_or_lengthen_it()
        {
            var clock = new VirtualClock(T0);
            var gate = new SendGate(clock);
            _ = gate.RateLimited(TimeSpan.FromSeconds(5), gate.Current);
            _ = gate.RateLimited(TimeSpan.FromSeconds(5), gate.Current);   // another worker refused at the same moment
            clock.Advance(TimeSpan.FromSeconds(2));
            _ = gate.RateLimited(TimeSpan.FromSeconds(10), gate.Current);  // lengthened while it runs
            _ = gate.RateLimited(TimeSpan.FromSeconds(1), gate.Current);   // shorter: changes nothing
            Assert.Equal(1, gate.Pauses);
            clock.Advance(TimeSpan.FromSeconds(11));
            Assert.Equal(TimeSpan.Zero, gate.PauseLeft);
            _ = gate.RateLimited(TimeSpan.FromSeconds(3), gate.Current);   // after it ended: a new pause
            Assert.Equal(2, gate.Pauses);
            _ = gate.RateLimited(TimeSpan.Zero, gate.Current);             // nothing to wait: no pause
            Assert.Equal(2, gate.Pauses);
        }
    }
}

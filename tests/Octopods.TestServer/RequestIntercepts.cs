using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace Octopods.TestServer
{
    /// <summary>The <see cref="EmulatorServer.Intercept"/>s the suites share: seeded random delays, and requests that never get an answer.</summary>
    public static class RequestIntercepts
    {
        /// <summary>
        /// Holds each POST for a random 0 to <paramref name="maxMilliseconds"/> ms (the same sequence for
        /// the same <paramref name="seed"/>), then lets the emulator answer it: sends finish out of input order.
        /// </summary>
        public static Func<HttpContext, Task<bool>> RandomPostDelay(int seed, int maxMilliseconds = 40)
        {
            var random = new Random(seed);
            return async context =>
            {
                if (context.Request.Method != "POST") return false;
                int delay;
                lock (random) delay = random.Next(0, maxMilliseconds);
                await Task.Delay(delay).ConfigureAwait(false);
                return false;
            };
        }

        /// <summary>Never answers: holds the request until the client gives it up, then ends it unanswered (true: handled).</summary>
        public static async Task<bool> HangUntilAborted(HttpContext context)
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            return true;
        }
    }
}

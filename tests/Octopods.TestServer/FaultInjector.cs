using System;
using System.Globalization;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace Octopods.TestServer
{
    /// <summary>
    /// Which requests get a fault: every <see cref="EveryNth"/> request, or each with
    /// <see cref="Probability"/> (seeded, so a soak is repeatable); with several faults, each hit
    /// picks one at random. Off by default.
    /// </summary>
    public sealed class FaultInjector
    {
        private readonly object _lock = new object();
        private readonly Random _random;
        private readonly ServerFault[] _faults;
        private long _count;

        public FaultInjector(ServerFault fault, int everyNth = 1, double probability = 0, int seed = 1)
            : this(new[] { fault }, everyNth, probability, seed)
        {
        }

        public FaultInjector(ServerFault[] faults, int everyNth = 0, double probability = 0, int seed = 1)
        {
            _faults = faults;
            EveryNth = everyNth;
            Probability = probability;
            _random = new Random(seed);
        }

        public ServerFault Fault => _faults[0];
        public int EveryNth { get; }
        public double Probability { get; }

        /// <summary>Only requests with this method (POST by default: the sends).</summary>
        public string Method { get; init; } = "POST";

        /// <summary>How many faults were injected.</summary>
        public int Injected { get; private set; }

        /// <summary>The fault for this request, or None.</summary>
        internal ServerFault Pick(HttpContext context)
        {
            if (!string.Equals(context.Request.Method, Method, StringComparison.OrdinalIgnoreCase)) return ServerFault.None;
            lock (_lock)
            {
                var n = ++_count;
                var hit = Probability > 0 ? _random.NextDouble() < Probability : EveryNth > 0 && n % EveryNth == 0;
                if (!hit) return ServerFault.None;
                Injected++;
                return _faults[_faults.Length == 1 ? 0 : _random.Next(_faults.Length)];
            }
        }

        /// <summary>Answers for a fault that the emulator never sees; false when the emulator must handle the request first.</summary>
        internal static async Task<bool> BeforeEmulatorAsync(ServerFault fault, HttpContext context, Uri baseUri)
        {
            var response = context.Response;
            switch (fault)
            {
                case ServerFault.ServerError:
                    response.StatusCode = 500;
                    response.ContentType = "application/json";
                    await response.WriteAsync("{\"error\":\"Internal server error\"}").ConfigureAwait(false);
                    return true;
                case ServerFault.HtmlBadGateway:
                    response.StatusCode = 502;
                    response.ContentType = "text/html";
                    await response.WriteAsync("<html><body><h1>502 Bad Gateway</h1></body></html>").ConfigureAwait(false);
                    return true;
                case ServerFault.ResetBeforeBody:
                    context.Abort();
                    return true;
                case ServerFault.RateLimitUnparseable:
                    return await TooMany(response, "You have fired too many requests. Please try after a while.").ConfigureAwait(false);
                case ServerFault.RateLimitPast:
                    return await TooMany(response, "You have fired too many requests. Please try after 2000-01-01 00:00:00 UTC.").ConfigureAwait(false);
                case ServerFault.RateLimitFarFuture:
                    return await TooMany(response, "You have fired too many requests. Please try after " +
                        DateTimeOffset.UtcNow.AddHours(20).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC.").ConfigureAwait(false);
                case ServerFault.RedirectElsewhere:
                    response.StatusCode = 307;
                    response.Headers["Location"] = $"http://127.0.0.2:{baseUri.Port}{context.Request.Path}";
                    return true;
                case ServerFault.EchoKey:
                    response.StatusCode = 401;
                    response.ContentType = "application/json";
                    await response.WriteAsync("{\"error\":\"Invalid API key " + context.Request.Headers["X-Octopods-Auth"] + "\"}").ConfigureAwait(false);
                    return true;
                default:
                    return false;
            }
        }

        /// <summary>Replaces the emulator's answer for a fault that comes after it accepted the request.</summary>
        internal static async Task AfterEmulatorAsync(ServerFault fault, HttpContext context, int status, string body)
        {
            var response = context.Response;
            switch (fault)
            {
                case ServerFault.ResetAfterBody:
                    context.Abort();
                    return;
                case ServerFault.Timeout:
                    try { await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted).ConfigureAwait(false); }
                    catch (OperationCanceledException) { }
                    context.Abort();
                    return;
                case ServerFault.TruncatedBody:
                    response.StatusCode = status;
                    response.ContentType = "application/json";
                    await response.WriteAsync(body.Substring(0, body.Length / 2)).ConfigureAwait(false);
                    return;
                case ServerFault.WrongShape:
                    response.StatusCode = 200;
                    response.ContentType = "application/json";
                    await response.WriteAsync("{\"data\":{\"accepted\":true}}").ConfigureAwait(false);
                    return;
                case ServerFault.HostileText:
                    response.StatusCode = status;
                    response.ContentType = "application/json";
                    await response.WriteAsync(body.Replace("\"msg_sbx_", "\"\\u001b[31m\\r\\nmsg_sbx_").Replace("\"req_sbx_", "\"\\u001b]0;owned\\u0007req_sbx_")).ConfigureAwait(false);
                    return;
                case ServerFault.HugeBody:
                    response.StatusCode = status;
                    response.ContentType = "application/json";
                    await response.WriteAsync("{\"padding\":\"" + new string('x', 2 * 1024 * 1024) + "\"}").ConfigureAwait(false);
                    return;
            }
        }

        private static async Task<bool> TooMany(HttpResponse response, string message)
        {
            response.StatusCode = 429;
            response.ContentType = "application/json";
            await response.WriteAsync("{\"message\":\"" + message + "\"}").ConfigureAwait(false);
            return true;
        }
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Octopods.Errors;
using Octopods.Http;
using Octopods.Sandbox;
using Octopods.Sms;
using Octopods.TestServer;
using Octopods.Time;
using Xunit;

namespace Octopods.Tests.Http
{
    /// <summary>The client against the emulator over a real loopback socket.</summary>
    public class LoopbackHttpTests : IAsyncLifetime
    {
        private const string Key = "sk_test_loopback_5e1f";
        private readonly VirtualClock _clock = new VirtualClock();
        private readonly List<HttpExchange> _log = new List<HttpExchange>();
        private EmulatorServer _server = null!;

        public async Task InitializeAsync() => _server = await EmulatorServer.StartAsync(new OctopodsEmulator(_clock));
        public async Task DisposeAsync() => await _server.DisposeAsync();

        private SmsApi Api(string key = Key, Func<OctopodsClientOptions, OctopodsClientOptions>? configure = null)
        {
            var options = new OctopodsClientOptions(OctopodsChannel.Sms, new ApiKey(key), _server.BaseUri)
            {
                Clock = _clock,
                Log = e => { lock (_log) _log.Add(e); },
            };
            return new SmsApi(new OctopodsClient(configure == null ? options : configure(options)));
        }

        private static SmsSendRequest Sms(string phone = "+14155552671", string body = "hello") => SmsSendRequest.Create(phone, body);

        private static async Task<OctopodsException> Fails(Func<Task> action) => await Assert.ThrowsAsync<OctopodsException>(action);

        [Fact]
        public async Task Send_then_status_progresses_queued_sent_delivered_with_the_emulator_clock()
        {
            var api = Api();
            var sent = await api.SendAsync(Sms(), default);
            Assert.StartsWith("msg_sbx_", sent.MessageId);
            Assert.Equal(new Uri(_server.BaseUri, "/api/v1/sms/messages/" + sent.MessageId).ToString(), sent.StatusUrl);
            Assert.Equal(Key, _server.Keys.Single());

            Assert.Equal("Queued", (await api.GetStatusAsync(sent.MessageId, default)).Status);
            _clock.Advance(TimeSpan.FromSeconds(1));
            var mid = await api.GetStatusAsync(sent.MessageId, default);
            Assert.Equal("Sent", mid.Status);
            Assert.NotNull(mid.SentAt);
            _clock.Advance(TimeSpan.FromSeconds(2));
            var final = await api.GetStatusAsync(sent.MessageId, default);
            Assert.Equal("Delivered", final.Status);
            Assert.True(final.IsTerminal);
            Assert.Equal(final.LastUpdated, final.DeliveredAt);
        }

        [Theory]
        [InlineData("{\"body\":\"x\"}", 1, ErrorNames.PhoneMissing)]
        [InlineData("{\"destination_phone\":\"+14155552671\",\"body\":\"  \"}", 2, ErrorNames.BodyEmpty)]
        [InlineData("{\"destination_phone\":\"4155552671\",\"body\":\"x\"}", 3, ErrorNames.PhoneInvalid)]
        [InlineData("{\"destination_phone\":\"" + SandboxNumbers.ProviderError + "\",\"body\":\"x\"}", 4, ErrorNames.ProviderError)]
        public async Task Each_send_error_code_maps_to_its_name_with_text_request_id_and_fix(string body, int code, string name)
        {
            var client = new OctopodsClient(new OctopodsClientOptions(OctopodsChannel.Sms, new ApiKey(Key), _server.BaseUri) { Clock = _clock });
            var ex = await Fails(() => client.PostAsync("api/v1/sms/messages", System.Text.Encoding.UTF8.GetBytes(body), ApiOperation.Send, default));
            Assert.Equal(name, ex.ErrorName);
            Assert.Equal(code, ex.ApiErrorCode);
            Assert.Equal(400, ex.HttpStatus);
            Assert.StartsWith("req_sbx_", ex.RequestId);
            Assert.Contains(ex.RequestId!, ex.Message);
            Assert.Contains(ex.Detail, ex.Message);
            Assert.False(string.IsNullOrEmpty(ex.Fix));
        }

        [Theory]
        [InlineData(5)]
        [InlineData(6)]
        public async Task Deprecated_key_is_recognised_as_5_or_6(int code)
        {
            _server.Intercept = async ctx =>
            {
                ctx.Response.StatusCode = 400;
                await ctx.Response.WriteAsync($"{{\"request_id\":\"r1\",\"error_code\":{code},\"error\":\"Deprecated API Key. Please go to your Octopods App, and get your new API Key.\"}}");
                return true;
            };
            var ex = await Fails(() => Api().SendAsync(Sms(), default));
            Assert.Equal(ErrorNames.DeprecatedApiKey, ex.ErrorName);
            Assert.Equal(OctopodsErrorKind.Authentication, ex.Kind);
        }

        [Fact]
        public async Task The_emulator_answers_the_deprecated_key_itself()
        {
            var ex = await Fails(() => Api(SandboxKeys.Deprecated).SendAsync(Sms(), default));
            Assert.Equal(ErrorNames.DeprecatedApiKey, ex.ErrorName);
            Assert.Equal(5, ex.ApiErrorCode);
        }

        [Fact]
        public async Task Status_error_1_is_message_id_missing_and_unknown_ids_are_not_found()
        {
            var client = new OctopodsClient(new OctopodsClientOptions(OctopodsChannel.Sms, new ApiKey(Key), _server.BaseUri));
            Assert.Equal(ErrorNames.MessageIdMissing, (await Fails(() => client.GetAsync("api/v1/sms/messages/", ApiOperation.Status, default))).ErrorName);
            var notFound = await Fails(() => Api().GetStatusAsync("msg_missing", default));
            Assert.Equal(ErrorNames.MessageNotFound, notFound.ErrorName);
            Assert.Equal(OctopodsErrorKind.NotFound, notFound.Kind);
        }

        [Fact]
        public async Task Unauthorized_is_an_authentication_error_naming_the_channel()
        {
            var ex = await Fails(() => Api(SandboxKeys.Invalid).SendAsync(Sms(), default));
            Assert.Equal(ErrorNames.Unauthorized, ex.ErrorName);
            Assert.Equal(401, ex.HttpStatus);
            Assert.Contains("Sms", ex.Fix);
            Assert.Empty(_server.Emulator.Ledger);
        }

        [Fact]
        public async Task A_429_is_waited_out_until_the_announced_time_then_the_send_succeeds_once()
        {
            _server.Emulator.Options.RateLimitPerSecond = 1;
            var waits = new List<TimeSpan>();
            var api = Api(configure: o => o with { RateLimitWait = waits.Add });
            var start = _clock.UtcNow;
            await api.SendAsync(Sms(body: "one"), default);
            await api.SendAsync(Sms(body: "two"), default);

            Assert.Equal(new[] { "one", "two" }, _server.Emulator.Ledger.Select(s => s.Content));
            var wait = Assert.Single(waits);
            // The emulator's window ends at the next whole second of its clock.
            Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(start.ToUnixTimeSeconds() + 1) - start, wait);
            Assert.Equal(new int?[] { 201, 429, 201 }, _log.Select(e => e.StatusCode));
            Assert.Equal(2, _log.Last().Attempt);
        }

        [Fact]
        public async Task A_fractional_rate_spaces_requests_by_its_inverse()
        {
            _server.Emulator.Options.RateLimitPerSecond = 0.5;
            var api = Api();
            for (var i = 0; i < 3; i++) await api.SendAsync(Sms(body: "n" + i), default);
            var times = _server.Emulator.Ledger.Select(s => s.AcceptedAt).ToList();
            Assert.Equal(3, times.Count);
            Assert.All(times.Zip(times.Skip(1)), pair => Assert.True(pair.Second - pair.First >= TimeSpan.FromSeconds(1)));
            Assert.True(times[2] - times[0] >= TimeSpan.FromSeconds(3), $"3 sends at 0.5/s spanned only {times[2] - times[0]}");
        }

        [Fact]
        public async Task Retry_after_header_is_honoured()
        {
            _server.Emulator.Options.RateLimitPerSecond = 1;
            _server.Emulator.Options.SendRetryAfterHeader = true;
            var waits = new List<TimeSpan>();
            var api = Api(configure: o => o with { RateLimitWait = waits.Add });
            await api.SendAsync(Sms(), default);
            await api.SendAsync(Sms(), default);
            Assert.Equal(TimeSpan.FromSeconds(1), Assert.Single(waits));
        }

        [Fact]
        public async Task Endless_429s_stop_after_the_retry_cap_and_nothing_is_sent()
        {
            _server.Intercept = async ctx =>
            {
                ctx.Response.StatusCode = 429;
                await ctx.Response.WriteAsync("{\"message\":\"You have fired too many requests. Please try after 2000-01-01 00:00:00 UTC.\"}");
                return true;
            };
            var ex = await Fails(() => Api(configure: o => o with { MaxRateLimitRetries = 3 }).SendAsync(Sms(), default));
            Assert.Equal(ErrorNames.RateLimited, ex.ErrorName);
            Assert.Equal(OctopodsErrorKind.LimitsExceeded, ex.Kind);
            Assert.Equal(4, _server.Requests.Count);
            Assert.Contains("nothing was sent", ex.Message);
        }

        [Theory]
        [InlineData("99999999999999999999")]
        [InlineData("9999999999")]
        public async Task An_absurd_retry_after_is_a_wait_too_long_not_no_wait(string retryAfter)
        {
            _server.Intercept = async ctx =>
            {
                ctx.Response.StatusCode = 429;
                ctx.Response.Headers["Retry-After"] = retryAfter;
                await ctx.Response.WriteAsync("{\"message\":\"You have fired too many requests.\"}");
                return true;
            };
            var ex = await Fails(() => Api().SendAsync(Sms(), default));
            Assert.Equal(ErrorNames.RateLimited, ex.ErrorName);
            Assert.Contains("longer than", ex.Fix);
            Assert.Single(_server.Requests);   // not retried after the default wait as if none was named
        }

        [Fact]
        public async Task A_key_the_service_echoes_is_redacted_from_errors_logs_and_raw_answers()
        {
            const string echoed = "sk_live_echo_" + "9f3b2c7d";
            var headers = new List<string>();
            _server.Intercept = async ctx =>
            {
                var sent = ctx.Request.Headers["X-Octopods-Auth"].ToString();
                lock (headers) headers.Add(sent);
                if (ctx.Request.Method == "GET")
                {
                    ctx.Response.StatusCode = 200;
                    await ctx.Response.WriteAsync("{\"message_id\":\"m1\",\"status\":\"delivered\",\"note\":\"for key " + sent + "\"}");
                    return true;
                }
                ctx.Response.StatusCode = 401;
                await ctx.Response.WriteAsync("{\"error\":\"Invalid API key " + sent + "\"}");
                return true;
            };
            var api = Api(key: echoed);

            var ex = await Fails(() => api.SendAsync(Sms(), default));
            var status = await api.GetStatusAsync("m1", default);

            Assert.Equal(ErrorNames.Unauthorized, ex.ErrorName);
            Assert.Contains("Invalid API key ***", ex.Message);
            Assert.DoesNotContain(echoed, ex.ToString());
            Assert.Contains("for key ***", status.GetRawResponse());
            Assert.DoesNotContain(echoed, status.GetRawResponse());
            List<HttpExchange> log;
            lock (_log) log = _log.ToList();
            Assert.Equal(2, log.Count);
            Assert.All(log, e => Assert.DoesNotContain(echoed, e.Details));
            Assert.All(log, e => Assert.Contains("X-Octopods-Auth: ***", e.Details));
            Assert.Equal(new[] { echoed, echoed }, headers);   // the key itself went out as the header
        }

        [Fact]
        public async Task A_429_asking_for_longer_than_the_cap_fails_at_once()
        {
            _server.Intercept = async ctx =>
            {
                ctx.Response.StatusCode = 429;
                await ctx.Response.WriteAsync("{\"message\":\"Please try after " + _clock.UtcNow.AddHours(2).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC.\"}");
                return true;
            };
            var ex = await Fails(() => Api().SendAsync(Sms(), default));
            Assert.Equal(ErrorNames.RateLimited, ex.ErrorName);
            Assert.Single(_server.Requests);
        }

        [Fact]
        public async Task Malformed_json_on_an_accepted_send_is_reported_and_never_resent()
        {
            _server.Intercept = async ctx =>
            {
                ctx.Response.StatusCode = 201;
                await ctx.Response.WriteAsync("<html>oops");
                return true;
            };
            var ex = await Fails(() => Api().SendAsync(Sms(), default));
            Assert.Equal(ErrorNames.InvalidResponse, ex.ErrorName);
            Assert.Equal(OctopodsErrorKind.OutcomeUnknown, ex.Kind);
            Assert.Single(_server.Requests);
        }

        [Fact]
        public async Task Malformed_json_on_a_status_read_is_a_protocol_error()
        {
            _server.Intercept = async ctx =>
            {
                ctx.Response.StatusCode = 200;
                await ctx.Response.WriteAsync("{\"status\": ");
                return true;
            };
            var ex = await Fails(() => Api().GetStatusAsync("m1", default));
            Assert.Equal(ErrorNames.InvalidResponse, ex.ErrorName);
            Assert.Equal(OctopodsErrorKind.ProtocolError, ex.Kind);
        }

        [Fact]
        public async Task A_send_that_times_out_is_outcome_unknown_and_not_repeated()
        {
            _server.Intercept = RequestIntercepts.HangUntilAborted;
            var ex = await Fails(() => Api(configure: o => o with { RequestTimeout = TimeSpan.FromMilliseconds(200) }).SendAsync(Sms(), default));
            Assert.Equal(ErrorNames.OutcomeUnknown, ex.ErrorName);
            Assert.Contains("not sent again", ex.Message);
            Assert.Single(_server.Requests);
            Assert.Equal("timeout", _log.Single().Failure);
        }

        [Fact]
        public async Task A_status_read_that_times_out_is_a_timeout()
        {
            _server.Intercept = RequestIntercepts.HangUntilAborted;
            var ex = await Fails(() => Api(configure: o => o with { RequestTimeout = TimeSpan.FromMilliseconds(200) }).GetStatusAsync("m", default));
            Assert.Equal(ErrorNames.Timeout, ex.ErrorName);
        }

        [Fact]
        public async Task Cancellation_stops_a_request_in_flight_as_cancellation_not_an_error()
        {
            var arrived = new TaskCompletionSource<bool>();
            _server.Intercept = async ctx =>
            {
                arrived.TrySetResult(true);
                return await RequestIntercepts.HangUntilAborted(ctx);
            };
            using var cts = new CancellationTokenSource();
            var send = Api().SendAsync(Sms(), cts.Token);
            await arrived.Task;
            cts.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => send);
        }

        [Fact]
        public async Task A_server_error_on_send_is_not_retried()
        {
            _server.Intercept = async ctx =>
            {
                ctx.Response.StatusCode = 502;
                await ctx.Response.WriteAsync("Bad gateway");
                return true;
            };
            var ex = await Fails(() => Api().SendAsync(Sms(), default));
            Assert.Equal(ErrorNames.ServerError, ex.ErrorName);
            Assert.Equal(OctopodsErrorKind.OutcomeUnknown, ex.Kind);
            Assert.Single(_server.Requests);
        }

        [Fact]
        public async Task A_refused_connection_says_nothing_was_sent()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            var options = new OctopodsClientOptions(OctopodsChannel.Sms, new ApiKey(Key), new Uri($"http://127.0.0.1:{port}/"));
            var ex = await Fails(() => new SmsApi(new OctopodsClient(options)).SendAsync(Sms(), default));
            Assert.Equal(ErrorNames.ConnectionFailed, ex.ErrorName);
            Assert.Contains("Nothing was sent", ex.Message);
        }

        [Fact]
        public async Task Every_dialect_variant_reads_the_same()
        {
            var options = _server.Emulator.Options;
            options.NumericMessageIds = true;
            options.UpperCaseStatuses = true;
            options.PhoneWithoutPlus = true;
            var api = Api();
            var sent = await api.SendAsync(Sms(SandboxNumbers.Fails), default);
            Assert.Matches("^[0-9]+$", sent.MessageId);
            Assert.Equal(SandboxNumbers.Fails, sent.PhoneNumber);
            _clock.Advance(TimeSpan.FromSeconds(5));
            var status = await api.GetStatusAsync(sent.MessageId, default);
            Assert.Equal("Failed", status.Status);
            Assert.True(status.IsTerminal);
            Assert.Equal(sent.MessageId, status.MessageId);
            Assert.Equal(SandboxNumbers.Fails, status.PhoneNumber);
            Assert.Contains("not a valid mobile subscriber", status.FailureReason);
            Assert.Contains("\"status\":\"FAILED\"", status.GetRawResponse());
        }

        [Fact]
        public async Task The_log_shows_each_exchange_and_never_the_key()
        {
            var api = Api();
            var sent = await api.SendAsync(Sms(), default);
            await api.GetStatusAsync(sent.MessageId, default);
            Assert.Equal(new[] { "POST", "GET" }, _log.Select(e => e.Method));
            Assert.All(_log, e =>
            {
                Assert.DoesNotContain(Key, e.Summary + e.Details + e.RequestBody + e.ResponseBody);
                Assert.Contains("X-Octopods-Auth: ***", e.Details);
                Assert.StartsWith("req_sbx_", e.RequestId);
            });
            Assert.Equal("***", new ApiKey(Key).ToString());
        }
    }
}

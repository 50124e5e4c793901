using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Octopods.FlowControl;
using Octopods.Bulk;
using Octopods.Errors;
using Octopods.Http;
using Octopods.Sandbox;
using Octopods.Sms;
using Octopods.TestServer;
using Octopods.Time;
using Xunit;

namespace Octopods.Tests.Http
{
    /// <summary>
    /// Every fault the test server injects, met by a real send over loopback: what it becomes, and
    /// whether the emulator had accepted the message (only then may the outcome be unknown; a
    /// certain failure must mean nothing was accepted, so a resumed run may send it).
    /// </summary>
    public sealed class FaultInjectionTests : IAsyncLifetime
    {
        private const string Key = "sk_live_fault_3c9e1d";
        private readonly VirtualClock _clock = new VirtualClock();
        private EmulatorServer _server = null!;

        public async Task InitializeAsync() => _server = await EmulatorServer.StartAsync(new OctopodsEmulator(_clock));
        public async Task DisposeAsync() => await _server.DisposeAsync();

        private SmsApi Api(SendGate? gate = null, double timeoutSeconds = 10) => new SmsApi(new OctopodsClient(new OctopodsClientOptions(OctopodsChannel.Sms, new ApiKey(Key), _server.BaseUri)
        {
            Clock = _clock,
            RequestTimeout = TimeSpan.FromSeconds(timeoutSeconds),
        }));

        private static SmsSendRequest Sms() => SmsSendRequest.Create("+14155552671", "fault probe");

        public static TheoryData<ServerFault, string, OctopodsErrorKind, bool> Faults() => new TheoryData<ServerFault, string, OctopodsErrorKind, bool>
        {
            // fault, error, kind, accepted by the emulator
            { ServerFault.ServerError, ErrorNames.ServerError, OctopodsErrorKind.OutcomeUnknown, false },
            { ServerFault.HtmlBadGateway, ErrorNames.ServerError, OctopodsErrorKind.OutcomeUnknown, false },
            { ServerFault.ResetBeforeBody, ErrorNames.OutcomeUnknown, OctopodsErrorKind.OutcomeUnknown, false },
            { ServerFault.ResetAfterBody, ErrorNames.OutcomeUnknown, OctopodsErrorKind.OutcomeUnknown, true },
            { ServerFault.Timeout, ErrorNames.OutcomeUnknown, OctopodsErrorKind.OutcomeUnknown, true },
            { ServerFault.TruncatedBody, ErrorNames.InvalidResponse, OctopodsErrorKind.OutcomeUnknown, true },
            { ServerFault.WrongShape, ErrorNames.InvalidResponse, OctopodsErrorKind.OutcomeUnknown, true },
            { ServerFault.HugeBody, ErrorNames.ResponseTooLarge, OctopodsErrorKind.OutcomeUnknown, true },
            { ServerFault.RedirectElsewhere, ErrorNames.Redirected, OctopodsErrorKind.InvalidArgument, false },
            { ServerFault.RateLimitFarFuture, ErrorNames.RateLimited, OctopodsErrorKind.LimitsExceeded, false },
            { ServerFault.EchoKey, ErrorNames.Unauthorized, OctopodsErrorKind.Authentication, false },
        };

        [Fact]
        public async Task Terminal_controls_in_an_answer_never_reach_the_caller()
        {
            _server.Faults = new FaultInjector(ServerFault.HostileText);
            var sent = await Api().SendAsync(Sms(), default);
            Assert.DoesNotContain(sent.MessageId, char.IsControl);
            Assert.DoesNotContain(sent.RequestId!, char.IsControl);
            Assert.StartsWith("\uFFFD[31m\uFFFD\uFFFDmsg_sbx_", sent.MessageId, StringComparison.Ordinal);   // replaced, not dropped: the id still shows it was odd
        }

        [Theory]
        [MemberData(nameof(Faults))]
        public async Task A_fault_on_a_send_is_named_and_only_an_accepted_send_is_unknown(ServerFault fault, string error, OctopodsErrorKind kind, bool accepted)
        {
            _server.Faults = new FaultInjector(fault);

            // The server hangs for 30 s on a timeout fault: the client gives up long before.
            var api = Api(timeoutSeconds: fault == ServerFault.Timeout ? 1 : 10);

            var ex = await Assert.ThrowsAsync<OctopodsException>(() => api.SendAsync(Sms(), default));

            Assert.Equal((error, kind), (ex.ErrorName, ex.Kind));
            Assert.Equal(accepted ? 1 : 0, _server.Emulator.Ledger.Count);
            // An unknown outcome says the message was not sent again; only those may have been accepted.
            if (kind == OctopodsErrorKind.OutcomeUnknown) Assert.Contains("not sent again", ex.Message, StringComparison.Ordinal);
            else Assert.False(accepted);
            Assert.DoesNotContain(Key, ex.ToString(), StringComparison.Ordinal);
            Assert.Single(_server.Requests);   // nothing repeated, no redirect followed
        }

        [Theory]
        [InlineData(400, OctopodsErrorKind.ProtocolError)]   // refused: nothing was taken, whatever its size
        [InlineData(201, OctopodsErrorKind.OutcomeUnknown)]  // accepted, then an answer too big to read
        public async Task A_huge_answer_is_unknown_only_when_the_service_may_have_taken_the_send(int status, OctopodsErrorKind kind)
        {
            _server.Intercept = async ctx =>
            {
                ctx.Response.StatusCode = status;
                await ctx.Response.WriteAsync("{\"padding\":\"" + new string('x', 2 * 1024 * 1024) + "\"}");
                return true;
            };

            var ex = await Assert.ThrowsAsync<OctopodsException>(() => Api().SendAsync(Sms(), default));

            Assert.Equal((ErrorNames.ResponseTooLarge, kind), (ex.ErrorName, ex.Kind));
        }

        [Theory]
        [InlineData(303, OctopodsErrorKind.OutcomeUnknown)]   // "see other": the request was processed
        [InlineData(307, OctopodsErrorKind.InvalidArgument)]  // "go elsewhere": nothing was taken here
        public async Task A_redirect_on_a_send_is_never_followed_and_a_303_may_have_sent(int status, OctopodsErrorKind kind)
        {
            _server.Intercept = ctx =>
            {
                ctx.Response.StatusCode = status;
                ctx.Response.Headers["Location"] = "http://127.0.0.2:1/elsewhere";
                return Task.FromResult(true);
            };

            var ex = await Assert.ThrowsAsync<OctopodsException>(() => Api().SendAsync(Sms(), default));

            Assert.Equal((ErrorNames.Redirected, kind), (ex.ErrorName, ex.Kind));
            Assert.Single(_server.Requests);
        }

        [Theory]
        [InlineData(ServerFault.RateLimitUnparseable, 5.0)]
        [InlineData(ServerFault.RateLimitPast, 1.0)]
        public async Task A_429_without_a_usable_time_waits_before_the_retry(ServerFault fault, double seconds)
        {
            _server.Faults = new FaultInjector(fault, everyNth: 2);   // the first send passes, the second is refused once
            var api = Api();
            await api.SendAsync(Sms(), default);
            var before = _clock.UtcNow;

            var sent = await api.SendAsync(SmsSendRequest.Create("+14155552672", "after a 429"), default);

            Assert.NotEmpty(sent.MessageId);
            Assert.Equal(TimeSpan.FromSeconds(seconds), _clock.UtcNow - before);
            Assert.Equal(2, _server.Emulator.Ledger.Count);
        }

        [Fact]
        public async Task A_429_on_every_fourth_send_of_a_run_costs_requests_not_rows()
        {
            _server.Faults = new FaultInjector(ServerFault.RateLimitPast, everyNth: 4);
            using var gate = new SendGate(_clock);
            var api = Api(gate);
            using var engine = new BulkSender<SmsSendRequest, SmsSendResult>(ChannelOperations.Sms(api), new BulkOptions { ThrottleLimit = 4 }, gate);
            var outcomes = new List<BulkRowOutcome<SmsSendRequest, SmsSendResult>>();
            foreach (var i in Enumerable.Range(0, 60))
            {
                while (!engine.HasRoom)
                {
                    while (engine.TryTake(out var done)) outcomes.Add(done);
                    await engine.WhenReadyAsync().WaitAsync(TimeSpan.FromSeconds(20));
                }
                engine.Submit(SmsSendRequest.Create("+1415555" + (4000 + i), "row " + i), null);
            }
            await engine.WaitAllDoneAsync(default).WaitAsync(TimeSpan.FromSeconds(30));
            while (engine.TryTake(out var done)) outcomes.Add(done);

            Assert.Equal(60, outcomes.Count);
            Assert.All(outcomes, o => Assert.Equal(BulkRowKind.Sent, o.Kind));
            Assert.Equal(60, _server.Emulator.Ledger.Count);
            Assert.Equal(60, _server.Emulator.Ledger.Select(s => s.Content).Distinct().Count());
        }
    }
}

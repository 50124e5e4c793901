using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading.Tasks;
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
    /// The client through a real HTTP proxy that wants Basic credentials (<see cref="AuthenticatingProxy"/>),
    /// to the emulator on loopback.
    ///
    /// Loopback and proxies: .NET's own WebProxy skips "local" hosts when BypassProxyOnLocal is set, and
    /// the system proxy read from HTTP_PROXY skips loopback, so a test server on 127.0.0.1 is usually
    /// reached directly. The module's proxy (ConfiguredProxy) bypasses no host unless its list names
    /// it, and SocketsHttpHandler asks nothing but IWebProxy.IsBypassed, so here the emulator's own
    /// loopback address goes through the proxy with no other name needed. Plain http is allowed to
    /// loopback (TransportSecurity) and, through a proxy, only to a proxy on loopback too. .NET
    /// Framework (Windows PowerShell) never proxies loopback whatever the proxy says, so these journeys
    /// run on .NET only.
    /// </summary>
    public sealed class ProxyLoopbackTests : IAsyncLifetime
    {
        private const string Key = "sk_test_proxy_7d21";
        private const string ProxyUser = "ann";
        private const string ProxyPassword = "pr0xy-s3cret";
        private readonly VirtualClock _clock = new VirtualClock();
        private readonly List<bool> _serverSawProxyHeaders = new List<bool>();
        private EmulatorServer _server = null!;
        private AuthenticatingProxy _proxy = null!;

        public async Task InitializeAsync()
        {
            _server = await EmulatorServer.StartAsync(new OctopodsEmulator(_clock));
            _server.Intercept = context =>
            {
                lock (_serverSawProxyHeaders) _serverSawProxyHeaders.Add(context.Request.Headers.Keys.Any(h => h.StartsWith("Proxy-", StringComparison.OrdinalIgnoreCase)));
                return Task.FromResult(false);
            };
            _proxy = AuthenticatingProxy.Start(ProxyUser, ProxyPassword);
        }

        public async Task DisposeAsync()
        {
            _proxy.Dispose();
            await _server.DisposeAsync();
        }

        private SmsApi Api(ProxySettings proxy, Uri? baseUri = null) =>
            new SmsApi(new OctopodsClient(new OctopodsClientOptions(OctopodsChannel.Sms, new ApiKey(Key), baseUri ?? _server.BaseUri) { Clock = _clock, Proxy = proxy }));

        private static SmsSendRequest Sms() => SmsSendRequest.Create("+14155552671", "through the proxy");

        private string SendPath => $"{_server.BaseUri.GetLeftPart(UriPartial.Authority)}/api/v1/sms/messages";

        [Fact]
        public async Task Without_credentials_the_proxy_answers_407_and_the_error_names_the_proxy_and_the_fix()
        {
            var ex = await Assert.ThrowsAsync<OctopodsException>(() => Api(ProxySettings.Through(_proxy.Address)).SendAsync(Sms(), default));

            Assert.Equal(ErrorNames.ProxyAuthenticationRequired, ex.ErrorName);
            Assert.Equal(OctopodsErrorKind.Authentication, ex.Kind);   // a certain failure: a resumed bulk run sends the row
            Assert.Contains($"The proxy {_proxy.Address.GetLeftPart(UriPartial.Authority)} asks for credentials (HTTP 407)", ex.Message);
            Assert.Contains("nothing reached Octopods", ex.Message);
            Assert.Contains("Set-OctopodsConfiguration -ProxySecretName", ex.Fix);
            Assert.Contains("-ProxyUseDefaultCredentials", ex.Fix);
            Assert.Equal(new[] { $"POST {SendPath} -> 407 (no credentials)" }, _proxy.Log);
            Assert.Empty(_server.Requests);
        }

        [Fact]
        public async Task With_credentials_the_send_and_the_status_read_go_through_the_proxy_and_its_log_shows_them()
        {
            var proxy = ProxySettings.Through(_proxy.Address).WithCredentials(new NetworkCredential(ProxyUser, ProxyPassword), "the test's credential");
            var api = Api(proxy);

            var sent = await api.SendAsync(Sms(), default);
            var status = await api.GetStatusAsync(sent.MessageId, default);

            Assert.Equal("Queued", status.Status);
            // .NET answers the challenge: the first try of each request meets 407, the second carries the credentials.
            Assert.Equal(new[]
            {
                $"POST {SendPath} -> 407 (no credentials)",
                $"POST {SendPath} -> 201 (as {ProxyUser})",
                $"GET {SendPath}/{sent.MessageId} -> 407 (no credentials)",
                $"GET {SendPath}/{sent.MessageId} -> 200 (as {ProxyUser})",
            }, _proxy.Log);
            Assert.Equal(new[] { "POST /api/v1/sms/messages", $"GET /api/v1/sms/messages/{sent.MessageId}" }, _server.Requests);
            Assert.Equal(new[] { Key, Key }, _server.Keys);
            Assert.DoesNotContain(true, _serverSawProxyHeaders);   // the proxy's credentials stop at the proxy
        }

        [Fact]
        public async Task Refused_credentials_are_a_named_error_that_says_where_they_came_from_never_the_password()
        {
            var proxy = ProxySettings.Through(_proxy.Address).WithCredentials(new NetworkCredential(ProxyUser, "wrong-password"), "the credential in secret 'CorpProxy' in the default vault");

            var ex = await Assert.ThrowsAsync<OctopodsException>(() => Api(proxy).SendAsync(Sms(), default));

            Assert.Equal(ErrorNames.ProxyAuthenticationRequired, ex.ErrorName);
            Assert.Contains("refused the credential in secret 'CorpProxy' in the default vault (HTTP 407)", ex.Message);
            Assert.Contains("Set-Secret -Name <secret> -Secret (Get-Credential)", ex.Fix);
            Assert.DoesNotContain("wrong-password", ex.ToString());
            Assert.Contains($"POST {SendPath} -> 407 (wrong credentials)", _proxy.Log);
            Assert.Empty(_server.Requests);
        }

        [Fact]
        public async Task An_https_tunnel_refused_with_407_is_the_same_named_error_and_with_credentials_the_tunnel_opens()
        {
            // The real service is https: .NET asks the proxy for a tunnel (CONNECT), and a 407 to that
            // ends in an exception rather than an answer. The emulator speaks plain http, so the TLS
            // handshake through the opened tunnel then fails: a different error, after the proxy let it through.
            var https = new Uri($"https://127.0.0.1:{_server.BaseUri.Port}/");
            var target = $"127.0.0.1:{_server.BaseUri.Port}";

            var refused = await Assert.ThrowsAsync<OctopodsException>(() => Api(ProxySettings.Through(_proxy.Address), https).SendAsync(Sms(), default));
            Assert.Equal(ErrorNames.ProxyAuthenticationRequired, refused.ErrorName);
            Assert.Contains($"The proxy {_proxy.Address.GetLeftPart(UriPartial.Authority)} asks for credentials", refused.Message);

            var proxy = ProxySettings.Through(_proxy.Address).WithCredentials(new NetworkCredential(ProxyUser, ProxyPassword), "the test's credential");
            var tunnelled = await Assert.ThrowsAsync<OctopodsException>(() => Api(proxy, https).SendAsync(Sms(), default));
            Assert.NotEqual(ErrorNames.ProxyAuthenticationRequired, tunnelled.ErrorName);
            Assert.Contains($"CONNECT {target} -> 407 (no credentials)", _proxy.Log);
            Assert.Contains($"CONNECT {target} -> 200 (as {ProxyUser})", _proxy.Log);
        }

        [Fact]
        public async Task A_host_on_the_bypass_list_is_reached_directly()
        {
            var sent = await Api(ProxySettings.Through(_proxy.Address, new[] { "localhost", "127.0.0.*" })).SendAsync(Sms(), default);

            Assert.StartsWith("msg_sbx_", sent.MessageId);
            Assert.Empty(_proxy.Log);
            Assert.Single(_server.Requests);
        }
    }
}

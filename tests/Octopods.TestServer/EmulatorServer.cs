using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Octopods.Sandbox;

namespace Octopods.TestServer
{
    /// <summary>
    /// The emulator on http://127.0.0.1:&lt;free port&gt;. <see cref="Intercept"/> lets a test answer a
    /// request itself (malformed bodies, hangs, dropped connections) before the emulator sees it.
    /// </summary>
    internal sealed class EmulatorServer : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private EmulatorServer(WebApplication app, OctopodsEmulator emulator)
        {
            _app = app;
            Emulator = emulator;
        }

        public OctopodsEmulator Emulator { get; }
        public Uri BaseUri { get; private set; } = new Uri("http://127.0.0.1/");

        /// <summary>Return true when the test has answered the request itself.</summary>
        public Func<HttpContext, Task<bool>>? Intercept { get; set; }

        /// <summary>A fault to inject into some requests (off when null).</summary>
        public FaultInjector? Faults { get; set; }

        /// <summary>A limit on sends per sliding second, answered with 429s (off when null).</summary>
        public SendRateLimit? RateLimit { get; set; }

        /// <summary>Server-side delay before each answer (simulated service latency).</summary>
        public TimeSpan Latency { get; set; }

        /// <summary>Every request that arrived, as "METHOD /path".</summary>
        public IReadOnlyList<string> Requests { get { lock (_requests) return _requests.ToArray(); } }
        private readonly List<string> _requests = new List<string>();

        /// <summary>The bodies of the requests the emulator handled, in order.</summary>
        public IReadOnlyList<string> Bodies { get { lock (_requests) return _bodies.ToArray(); } }
        private readonly List<string> _bodies = new List<string>();

        /// <summary>Every X-Octopods-Auth value received, to prove the header is sent.</summary>
        public IReadOnlyList<string> Keys { get { lock (_requests) return _keys.ToArray(); } }
        private readonly List<string> _keys = new List<string>();

        public static async Task<EmulatorServer> StartAsync(OctopodsEmulator? emulator = null)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var server = new EmulatorServer(app, emulator ?? new OctopodsEmulator());
            app.Run(server.HandleAsync);
            await app.StartAsync().ConfigureAwait(false);
            var address = app.Services.GetService(typeof(Microsoft.AspNetCore.Hosting.Server.IServer)) is Microsoft.AspNetCore.Hosting.Server.IServer s
                ? s.Features.Get<IServerAddressesFeature>()!.Addresses.First()
                : throw new InvalidOperationException("No server address.");
            server.BaseUri = new Uri(address.TrimEnd('/') + "/");
            return server;
        }

        private async Task HandleAsync(HttpContext context)
        {
            lock (_requests) _requests.Add($"{context.Request.Method} {context.Request.Path}");
            if (Intercept != null && await Intercept(context).ConfigureAwait(false)) return;
            var fault = Faults?.Pick(context) ?? ServerFault.None;
            if (fault != ServerFault.None && await FaultInjector.BeforeEmulatorAsync(fault, context, BaseUri).ConfigureAwait(false)) return;
            if (RateLimit != null && context.Request.Method == "POST" && RateLimit.Check(DateTimeOffset.UtcNow) is string refusal)
            {
                context.Response.StatusCode = 429;
                context.Response.ContentType = "application/json; charset=utf-8";
                await context.Response.WriteAsync("{\"message\":\"" + refusal + "\"}").ConfigureAwait(false);
                return;
            }
            if (Latency > TimeSpan.Zero) await Task.Delay(Latency, context.RequestAborted).ConfigureAwait(false);

            string body;
            using (var reader = new StreamReader(context.Request.Body))
                body = await reader.ReadToEndAsync().ConfigureAwait(false);
            lock (_requests)
            {
                _bodies.Add(body);
                _keys.Add(context.Request.Headers["X-Octopods-Auth"].ToString());
            }
            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            var request = new EmulatorRequest(context.Request.Method, context.Request.Path.Value ?? "/",
                context.Request.QueryString.Value?.TrimStart('?'), headers, body, BaseUri);
            var answer = Emulator.Handle(request);
            if (fault != ServerFault.None)
            {
                await FaultInjector.AfterEmulatorAsync(fault, context, answer.StatusCode, answer.Body).ConfigureAwait(false);
                return;
            }

            context.Response.StatusCode = answer.StatusCode;
            context.Response.ContentType = "application/json; charset=utf-8";
            foreach (var header in answer.Headers) context.Response.Headers[header.Key] = header.Value;
            await context.Response.WriteAsync(answer.Body).ConfigureAwait(false);
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }
}

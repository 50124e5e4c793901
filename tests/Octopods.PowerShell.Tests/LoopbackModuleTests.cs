using System;
using System.IO;
using System.Text;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Octopods.Sandbox;
using Octopods.TestServer;
using Octopods.Time;
using Xunit;

namespace Octopods.PowerShell.Tests
{
    /// <summary>
    /// What the bulk suites share: the built module in a hosted engine, connected to the emulator on a
    /// loopback socket on the wall clock, and a scratch folder for journals.
    /// </summary>
    public abstract class LoopbackModuleTests : IAsyncLifetime, IDisposable
    {
        protected string Dir { get; } = Path.Combine(Path.GetTempPath(), "octopods-ps-" + Guid.NewGuid().ToString("N"));
        private protected EmulatorServer Server { get; private set; } = null!;
        protected HostedEngine Engine { get; private set; } = null!;

        /// <summary>The emulator's timing for this suite.</summary>
        private protected abstract EmulatorOptions Emulator { get; }

        /// <summary>The Connect-Octopods line, given the emulator's base address.</summary>
        protected abstract string Connect(Uri baseUri);

        public async Task InitializeAsync()
        {
            Directory.CreateDirectory(Dir);
            Server = await EmulatorServer.StartAsync(new OctopodsEmulator(SystemClock.Instance, Emulator));
            Engine = new HostedEngine();
            Engine.Run(Connect(Server.BaseUri)).AssertNoErrors();
        }

        public void Dispose()
        {
            Dispose(true);
            GC.SuppressFinalize(this);
        }

        protected virtual void Dispose(bool disposing)
        {
            if (disposing) Engine?.Dispose();
        }

        public async Task DisposeAsync()
        {
            await Server.DisposeAsync();
            try { Directory.Delete(Dir, true); } catch (IOException) { }
        }

        protected string Journal(string name = "run.jsonl") => Path.Combine(Dir, name);

        /// <summary>A request's body, read without consuming it (the emulator reads it next).</summary>
        protected static string BodyOf(HttpContext ctx)
        {
            ctx.Request.EnableBuffering();
            using var reader = new StreamReader(ctx.Request.Body, Encoding.UTF8, false, 1024, leaveOpen: true);
            var body = reader.ReadToEndAsync().GetAwaiter().GetResult();
            ctx.Request.Body.Position = 0;
            return body;
        }
    }
}

using System;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Octopods.Sandbox;
using Octopods.Time;

namespace Octopods.TestServer
{
    /// <summary>
    /// `dotnet Octopods.TestServer.dll [latency-ms] [--fault Name] [--proxy user:password | --proxy-fault 502|reset]`: the emulator on
    /// loopback for tests in another process. Prints "URL &lt;address&gt;" (and, with --proxy, "PROXY
    /// &lt;address&gt;" of an <see cref="AuthenticatingProxy"/> wanting those credentials), answers GET
    /// /__test/ledger with the accepted messages' texts and GET /__test/proxy-log with the proxy's log,
    /// and stops when standard input closes.
    /// </summary>
    public static class StandaloneServer
    {
        public static async Task<int> Main(string[] args)
        {
            var server = await EmulatorServer.StartAsync(new OctopodsEmulator(SystemClock.Instance)).ConfigureAwait(false);
            AuthenticatingProxy? proxy = null;
            for (var i = 0; i < args.Length; i++)
            {
                if (args[i] == "--fault" && i + 1 < args.Length) server.Faults = new FaultInjector(Enum.Parse<ServerFault>(args[++i], ignoreCase: true));
                else if (args[i] == "--proxy" && i + 1 < args.Length)
                {
                    var credential = args[++i];
                    var colon = credential.IndexOf(':', StringComparison.Ordinal);
                    proxy = AuthenticatingProxy.Start(credential.Substring(0, colon), credential.Substring(colon + 1));
                }
                else if (args[i] == "--proxy-fault" && i + 1 < args.Length)
                {
                    // A proxy that asks for nothing and refuses every tunnel: with a status ("502") or by dropping it ("reset").
                    proxy = AuthenticatingProxy.Start();
                    proxy.ConnectFault = args[++i];
                }
                else server.Latency = TimeSpan.FromMilliseconds(int.Parse(args[i], System.Globalization.CultureInfo.InvariantCulture));
            }
            server.Intercept = async context =>
            {
                object? answer = context.Request.Path.StartsWithSegments("/__test/ledger") ? server.Emulator.Ledger.Select(s => s.Content).ToList()
                    : context.Request.Path.StartsWithSegments("/__test/proxy-log") ? proxy?.Log ?? Array.Empty<string>()
                    : null;
                if (answer == null) return false;
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(JsonSerializer.Serialize(answer)).ConfigureAwait(false);
                return true;
            };
            Console.WriteLine("URL " + server.BaseUri);
            if (proxy != null) Console.WriteLine("PROXY " + proxy.Address);
            Console.Out.Flush();
            await Task.Run(() => Console.In.ReadToEnd()).ConfigureAwait(false);
            proxy?.Dispose();
            await server.DisposeAsync().ConfigureAwait(false);
            return 0;
        }
    }
}

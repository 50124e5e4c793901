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
    /// `dotnet Octopods.TestServer.dll [latency-ms] [--fault Name]`: the emulator on loopback for tests in another
    /// process. Prints "URL &lt;address&gt;", answers GET /__test/ledger with the accepted messages'
    /// texts, and stops when standard input closes.
    /// </summary>
    public static class StandaloneServer
    {
        public static async Task<int> Main(string[] args)
        {
            var server = await EmulatorServer.StartAsync(new OctopodsEmulator(SystemClock.Instance)).ConfigureAwait(false);
            for (var i = 0; i < args.Length; i++)
            {
                if (args[i] == "--fault" && i + 1 < args.Length) server.Faults = new FaultInjector(Enum.Parse<ServerFault>(args[++i], ignoreCase: true));
                else server.Latency = TimeSpan.FromMilliseconds(int.Parse(args[i], System.Globalization.CultureInfo.InvariantCulture));
            }
            server.Intercept = async context =>
            {
                if (!context.Request.Path.StartsWithSegments("/__test/ledger")) return false;
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(JsonSerializer.Serialize(server.Emulator.Ledger.Select(s => s.Content).ToList())).ConfigureAwait(false);
                return true;
            };
            Console.WriteLine("URL " + server.BaseUri);
            Console.Out.Flush();
            await Task.Run(() => Console.In.ReadToEnd()).ConfigureAwait(false);
            await server.DisposeAsync().ConfigureAwait(false);
            return 0;
        }
    }
}

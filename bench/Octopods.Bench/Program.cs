using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Octopods.Sandbox;
using Octopods.TestServer;
using Octopods.Time;

namespace Octopods.Bench
{
    /// <summary>
    /// Bulk-send benchmark. Three roles of this one program:
    ///   (default)  the orchestrator: starts a server process, then one client process per measurement, prints the table;
    ///   server     the emulator on loopback with an injected latency, plus /__bench/arrivals for pacing figures;
    ///   client     a hosted PowerShell engine that imports the built module and pipes N rows into Send-OctopodsSms.
    /// </summary>
    internal static class Program
    {
        private static int Main(string[] args)
        {
            var options = Options.Parse(args);
            CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
            CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
            return options.Role switch
            {
                "server" => Server.Run(options).GetAwaiter().GetResult(),
                "client" => Client.Run(options),
                "soak" => Soak.Run(options, typeof(Program).Assembly.Location),
                _ => Orchestrator.Run(options),
            };
        }
    }

    internal sealed class Options
    {
        public string Role = "orchestrate";
        public bool Quick;
        public int Rows = 5000;
        public int LatencyMs = 50;
        public int[] Throttles = { 1, 4, 16, 64 };
        public int[] MemoryRows = { 10_000, 100_000 };
        public double Rate = 20;
        public int RateSeconds = 30;
        public int Throttle = 4;
        public double? ClientRate;
        public string? Uri;
        public string? Skip;
        public bool Journal;
        public bool Bare;
        public int WarmupRows = 2000;
        public double FaultRate;
        public double JitterMs;
        public double[] Jitters = { 0, 25 };
        public int Limit;
        public int LimitRows = 400;

        public static Options Parse(string[] args)
        {
            var o = new Options();
            for (var i = 0; i < args.Length; i++)
            {
                string Next() => args[++i];
                switch (args[i])
                {
                    case "server": o.Role = "server"; break;
                    case "client": o.Role = "client"; break;
                    case "--quick": o.Quick = true; o.Rows = 500; o.MemoryRows = new[] { 2_000, 20_000 }; o.RateSeconds = 10; break;
                    case "--rows": o.Rows = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--latency": o.LatencyMs = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--throttles": o.Throttles = Next().Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray(); break;
                    case "--memory-rows": o.MemoryRows = Next().Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray(); break;
                    case "--rate": o.Rate = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--rate-seconds": o.RateSeconds = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--throttle": o.Throttle = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--client-rate": o.ClientRate = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--uri": o.Uri = Next(); break;
                    case "--journal": o.Journal = true; break;
                    case "--bare": o.Bare = true; break;
                    case "--warmup": o.WarmupRows = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--skip": o.Skip = Next(); break;   // comma list of: throughput,memory,rate,limit
                    case "--soak": o.Role = "soak"; o.Rows = 100_000; o.Throttle = 32; o.LatencyMs = 1; o.FaultRate = 0.02; break;
                    case "--faults": o.FaultRate = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--jitter": o.JitterMs = double.Parse(Next(), CultureInfo.InvariantCulture); break;           // server: relay jitter
                    case "--jitters": o.Jitters = Next().Split(',').Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray(); break;
                    case "--limit": o.Limit = int.Parse(Next(), CultureInfo.InvariantCulture); break;                 // server: N sends per second
                    case "--limit-rows": o.LimitRows = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "-h":
                    case "--help":
                        Console.WriteLine("dotnet run -c Release --project bench/Octopods.Bench -- [--quick] [--rows 5000] [--latency 50] " +
                                          "[--throttles 1,4,16,64] [--memory-rows 10000,100000] [--rate 20] [--rate-seconds 30] [--jitters 0,25] [--limit 20] [--limit-rows 400] [--skip throughput,memory,rate,limit]");
                        Console.WriteLine("dotnet run -c Release --project bench/Octopods.Bench -- --soak [--rows 100000] [--faults 0.02] [--throttle 32]");
                        Environment.Exit(0);
                        break;
                    default: throw new ArgumentException("Unknown argument " + args[i]);
                }
            }
            return o;
        }

        public bool Skips(string part) => Skip != null && Skip.Split(',').Contains(part, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The emulator over Kestrel on 127.0.0.1 with a non-blocking injected latency (Task.Delay per request).</summary>
    internal static class Server
    {
        public static async Task<int> Run(Options options)
        {
            var arrivals = new List<long>();   // POST arrival times, Stopwatch ticks converted to UTC ms
            var server = await EmulatorServer.StartAsync(new OctopodsEmulator(SystemClock.Instance));
            server.Latency = TimeSpan.FromMilliseconds(options.LatencyMs);
            if (options.FaultRate > 0) server.Faults = new FaultInjector(Soak.Mix, probability: options.FaultRate, seed: 7);
            if (options.Limit > 0) server.RateLimit = new SendRateLimit(options.Limit);
            server.Intercept = async ctx =>
            {
                if (ctx.Request.Path.StartsWithSegments("/__bench/ledger"))
                {
                    ctx.Response.ContentType = "application/json";
                    await ctx.Response.WriteAsync(JsonSerializer.Serialize(server.Emulator.Ledger.Select(s => s.Content).ToList()));
                    return true;
                }
                if (ctx.Request.Path.StartsWithSegments("/__bench/limit"))
                {
                    ctx.Response.ContentType = "application/json";
                    var limit = server.RateLimit;
                    await ctx.Response.WriteAsync(JsonSerializer.Serialize(new { taken = limit?.Taken ?? 0, refused = limit?.Refused ?? 0 }));
                    return true;
                }
                if (ctx.Request.Path.StartsWithSegments("/__bench/faults/off"))
                {
                    server.Faults = null;
                    return true;
                }
                if (ctx.Request.Path.StartsWithSegments("/__bench/arrivals"))
                {
                    long[] copy;
                    lock (arrivals)
                    {
                        copy = arrivals.ToArray();
                        if (ctx.Request.Method == "DELETE") arrivals.Clear();
                    }
                    ctx.Response.ContentType = "application/json";
                    await ctx.Response.WriteAsync(JsonSerializer.Serialize(copy));
                    return true;
                }
                if (ctx.Request.Method == "POST")
                {
                    var now = DateTimeOffset.UtcNow.UtcTicks;   // at arrival, before the injected latency
                    lock (arrivals) arrivals.Add(now);
                }
                return false;
            };
            // With --jitter, clients reach the emulator through a relay that holds each request 0 to J ms.
            using var relay = options.JitterMs > 0 ? new JitterRelay(server.BaseUri, options.JitterMs) : null;
            Console.WriteLine("URL " + (relay?.Uri ?? server.BaseUri));
            Console.Out.Flush();
            // Runs until the orchestrator closes stdin.
            await Task.Run(() => Console.In.ReadToEnd());
            await server.DisposeAsync();
            return 0;
        }
    }

    /// <summary>Streams rows like Import-Csv (a PSObject with To and Message) without holding them.</summary>
    [Cmdlet(VerbsCommon.New, "BenchRow")]
    public sealed class NewBenchRowCommand : Cmdlet
    {
        [Parameter(Mandatory = true)]
        public int Count { get; set; }

        protected override void ProcessRecord()
        {
            for (var i = 0; i < Count; i++)
            {
                var row = new PSObject();
                row.Properties.Add(new PSNoteProperty("To", "+1415555" + (i % 10000).ToString("D4", CultureInfo.InvariantCulture)));
                row.Properties.Add(new PSNoteProperty("Message", "Benchmark message number " + i.ToString(CultureInfo.InvariantCulture)));
                WriteObject(row);
            }
        }
    }

    /// <summary>One measured run in its own process: import time, wall time, CPU time and peak memory of this process.</summary>
    internal static class Client
    {
        public static int Run(Options options)
        {
            if (options.Bare) return BareHttpClient.Run(options);
            var repo = FindRepoRoot();
            var version = System.Text.RegularExpressions.Regex.Match(File.ReadAllText(Path.Combine(repo, "Octopods.psd1")), @"ModuleVersion\s*=\s*'([^']+)'").Groups[1].Value;
            var manifest = Path.Combine(repo, "out", "Octopods", version, "Octopods.psd1");

            var state = InitialSessionState.CreateDefault2();
            state.Commands.Add(new SessionStateCmdletEntry("New-BenchRow", typeof(NewBenchRowCommand), null));
            using var runspace = RunspaceFactory.CreateRunspace(state);
            runspace.Open();

            var import = Stopwatch.StartNew();
            Invoke(runspace, "Import-Module -Name $args[0] -ErrorAction Stop", manifest);
            import.Stop();
            Invoke(runspace, "Connect-Octopods -ApiKey ([System.Net.NetworkCredential]::new('', 'sk_bench').SecurePassword) -BaseUri $args[0]", options.Uri!);
            // Warm up outside the measurement: JIT (tiered compilation promotes the hot path after some
            // thousand calls) and connections. Without it a short run mostly measures the JIT.
            Invoke(runspace, $"New-BenchRow -Count {options.WarmupRows} | Send-OctopodsSms -ThrottleLimit 64 | Out-Null");
            if (options.Journal) Invoke(runspace, $"New-BenchRow -Count 200 | Send-OctopodsSms -ThrottleLimit 64 -JournalPath $args[0] | Out-Null", Path.GetTempFileName());
            // The paced path too (its driver thread and admission), at a rate far above the measured one.
            if (options.ClientRate.HasValue && options.WarmupRows > 0) Invoke(runspace, "New-BenchRow -Count 200 | Send-OctopodsSms -ThrottleLimit 4 -RatePerSecond 400 | Out-Null");

            // Let the background tier-1 JIT of the warm-up finish before the clock starts.
            Thread.Sleep(3000);

            var rateArg = options.ClientRate.HasValue ? $" -RatePerSecond {options.ClientRate.Value.ToString(CultureInfo.InvariantCulture)}" : "";
            var journalPath = Path.Combine(Path.GetTempPath(), "octopods-bench-" + Guid.NewGuid().ToString("N") + ".jsonl");
            var journalArg = options.Journal ? " -JournalPath $args[0]" : "";
            var script = $"New-BenchRow -Count {options.Rows} | Send-OctopodsSms -ThrottleLimit {options.Throttle}{rateArg}{journalArg} | Out-Null";
            // For profiling experiments: another pipeline over the same rows ({0} = rows, {1} = throttle).
            if (Environment.GetEnvironmentVariable("OCTOPODS_BENCH_SCRIPT") is { Length: > 0 } custom)
                script = string.Format(CultureInfo.InvariantCulture, custom, options.Rows, options.Throttle);
            var process = Process.GetCurrentProcess();
            GC.Collect();
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            var poolItemsBefore = ThreadPool.CompletedWorkItemCount;
            var wall = Stopwatch.StartNew();
            var errors = Invoke(runspace, script, journalPath);
            wall.Stop();
            var poolItems = ThreadPool.CompletedWorkItemCount - poolItemsBefore;
            if (File.Exists(journalPath)) File.Delete(journalPath);
            process.Refresh();
            var cpu = process.TotalProcessorTime - cpuBefore;

            // The row generator's own cost, to show the module's share of the CPU figure.
            var genBefore = process.TotalProcessorTime;
            Invoke(runspace, $"New-BenchRow -Count {options.Rows} | Out-Null");
            process.Refresh();
            var generator = process.TotalProcessorTime - genBefore;
            process.Refresh();

            Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["rows"] = options.Rows,
                ["throttle"] = options.Throttle,
                ["errors"] = errors,
                ["importMs"] = import.Elapsed.TotalMilliseconds,
                ["wallMs"] = wall.Elapsed.TotalMilliseconds,
                ["cpuMs"] = cpu.TotalMilliseconds,
                ["generatorCpuMs"] = generator.TotalMilliseconds,
                ["poolItems"] = poolItems,
                ["peakWorkingSetMB"] = process.PeakWorkingSet64 / (1024.0 * 1024.0),
            }));
            return 0;
        }

        private static int Invoke(Runspace runspace, string script, params object[] args)
        {
            using var ps = PowerShell.Create();
            ps.Runspace = runspace;
            ps.AddScript(script);
            foreach (var arg in args) ps.AddArgument(arg);
            ps.Invoke();
            if (ps.Streams.Error.Count > 0)
                Console.Error.WriteLine($"{ps.Streams.Error.Count} error(s), first: {ps.Streams.Error[0]}");
            return ps.Streams.Error.Count;
        }

        internal static string FindRepoRoot()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Octopods.psd1"))) return dir.FullName;
            throw new InvalidOperationException("Octopods.psd1 not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>
    /// The floor: the same POSTs with HttpClient alone (no PowerShell, no module), the same number in
    /// flight, against the same server. What the module adds is the difference.
    /// </summary>
    internal static class BareHttpClient
    {
        public static int Run(Options options)
        {
            using var http = new System.Net.Http.HttpClient(new System.Net.Http.HttpClientHandler
            {
                AutomaticDecompression = System.Net.DecompressionMethods.GZip | System.Net.DecompressionMethods.Deflate,
                MaxConnectionsPerServer = 256,
            }) { BaseAddress = new Uri(options.Uri!), Timeout = System.Threading.Timeout.InfiniteTimeSpan };
            var errors = 0;
            async Task Loop(int first, int step, int count)
            {
                for (var i = first; i < count; i += step)
                {
                    using var request = new System.Net.Http.HttpRequestMessage(System.Net.Http.HttpMethod.Post, "api/v1/sms/messages");
                    request.Headers.TryAddWithoutValidation("X-Octopods-Auth", "sk_bench");
                    request.Content = new System.Net.Http.StringContent(
                        "{\"destination_phone\":\"+1415555" + (i % 10000).ToString("D4", CultureInfo.InvariantCulture) + "\",\"body\":\"Benchmark message number " + i + "\"}",
                        Encoding.UTF8, "application/json");
                    using var response = await http.SendAsync(request).ConfigureAwait(false);
                    var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                    using var json = JsonDocument.Parse(body);
                    if (!response.IsSuccessStatusCode) Interlocked.Increment(ref errors);
                }
            }
            void Run(int count, int throttle) =>
                Task.WaitAll(Enumerable.Range(0, throttle).Select(k => Task.Run(() => Loop(k, throttle, count))).ToArray());

            Run(options.WarmupRows, 64);
            Thread.Sleep(3000);
            var process = Process.GetCurrentProcess();
            GC.Collect();
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            var poolItemsBefore = ThreadPool.CompletedWorkItemCount;
            var wall = Stopwatch.StartNew();
            Run(options.Rows, options.Throttle);
            wall.Stop();
            process.Refresh();
            Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["rows"] = options.Rows,
                ["throttle"] = options.Throttle,
                ["errors"] = errors,
                ["wallMs"] = wall.Elapsed.TotalMilliseconds,
                ["cpuMs"] = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds,
                ["poolItems"] = ThreadPool.CompletedWorkItemCount - poolItemsBefore,
            }));
            return 0;
        }
    }

    internal static class Orchestrator
    {
        private static readonly int[] JournalThrottles = { 16, 64 };

        public static int Run(Options options)
        {
            var self = typeof(Program).Assembly.Location;
            Console.WriteLine($"Octopods bulk-send benchmark  ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} CPUs, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version})");
            Console.WriteLine($"Server: emulator on loopback (Kestrel) in its own process, injected latency L = {options.LatencyMs} ms. Client: hosted PowerShell engine + built module, one process per measurement.");
            Console.WriteLine();

            using var server = Start(self, "server", "--latency", options.LatencyMs.ToString(CultureInfo.InvariantCulture));
            var urlLine = server.StandardOutput.ReadLine() ?? throw new InvalidOperationException("The server did not start: " + server.StandardError.ReadToEnd());
            var uri = urlLine.Substring("URL ".Length).Trim();
            var imports = new List<double>();
            var failures = 0;

            try
            {
                if (!options.Skips("throughput"))
                {
                    Console.WriteLine($"Throughput: {options.Rows} rows, L = {options.LatencyMs} ms");
                    Console.WriteLine("  ThrottleLimit | rows/s   | ceiling N/L | % of ceiling | client CPU/msg (total) | CPU/msg (module only) | HttpClient alone | pool items/msg | wall s | errors");
                    foreach (var throttle in options.Throttles)
                    {
                        var r = RunClient(self, uri, options.Rows, throttle, null);
                        imports.Add(r.GetProperty("importMs").GetDouble());
                        var wallS = r.GetProperty("wallMs").GetDouble() / 1000;
                        var rate = options.Rows / wallS;
                        var ceiling = throttle * 1000.0 / options.LatencyMs;
                        var cpu = r.GetProperty("cpuMs").GetDouble() / options.Rows;
                        var gen = r.GetProperty("generatorCpuMs").GetDouble() / options.Rows;
                        var pool = r.GetProperty("poolItems").GetInt64() / (double)options.Rows;
                        var errors = r.GetProperty("errors").GetInt32();
                        // The floor: the same POSTs, the same number in flight, with HttpClient alone.
                        var bare = RunClient(self, uri, options.Rows, throttle, null, bare: true);
                        var bareCpu = bare.GetProperty("cpuMs").GetDouble() / options.Rows;
                        var barePool = bare.GetProperty("poolItems").GetInt64() / (double)options.Rows;
                        errors += bare.GetProperty("errors").GetInt32();
                        failures += errors;
                        Console.WriteLine($"  {throttle,13} | {rate,8:0.0} | {ceiling,11:0.0} | {100 * rate / ceiling,11:0.0}% | {cpu,19:0.000} ms | {cpu - gen,18:0.000} ms | {bareCpu,13:0.000} ms | {pool,6:0.00} ({barePool:0.00}) | {wallS,6:0.0} | {errors}");
                    }
                    foreach (var throttle in JournalThrottles.Where(t => options.Throttles.Contains(t)))
                    {
                        // The same with -JournalPath: two fsync'd records per row (group commit).
                        var r = RunClient(self, uri, options.Rows, throttle, null, journal: true);
                        var wallS = r.GetProperty("wallMs").GetDouble() / 1000;
                        var rate = options.Rows / wallS;
                        var ceiling = throttle * 1000.0 / options.LatencyMs;
                        var cpu = r.GetProperty("cpuMs").GetDouble() / options.Rows;
                        var gen = r.GetProperty("generatorCpuMs").GetDouble() / options.Rows;
                        failures += r.GetProperty("errors").GetInt32();
                        var pool = r.GetProperty("poolItems").GetInt64() / (double)options.Rows;
                        Console.WriteLine($"  {throttle,5} +journal | {rate,8:0.0} | {ceiling,11:0.0} | {100 * rate / ceiling,11:0.0}% | {cpu,19:0.000} ms | {cpu - gen,18:0.000} ms | {"",16} | {pool,6:0.00}        | {wallS,6:0.0} | {r.GetProperty("errors").GetInt32()}");
                    }
                    Console.WriteLine();
                }

                if (!options.Skips("memory"))
                {
                    Console.WriteLine("Peak working set of the client process (ThrottleLimit 64, L = 1 ms, no journal)");
                    using var fast = Start(self, "server", "--latency", "1");
                    var fastUri = (fast.StandardOutput.ReadLine() ?? "URL ").Substring(4).Trim();
                    var peaks = new List<double>();
                    foreach (var rows in options.MemoryRows)
                    {
                        var r = RunClient(self, fastUri, rows, 64, null);
                        imports.Add(r.GetProperty("importMs").GetDouble());
                        var peak = r.GetProperty("peakWorkingSetMB").GetDouble();
                        peaks.Add(peak);
                        failures += r.GetProperty("errors").GetInt32();
                        Console.WriteLine($"  {rows,7} rows: peak {peak,6:0.0} MB, {rows / (r.GetProperty("wallMs").GetDouble() / 1000),7:0} rows/s, CPU/msg {r.GetProperty("cpuMs").GetDouble() / rows:0.000} ms");
                    }
                    if (peaks.Count >= 2) Console.WriteLine($"  difference: {peaks[peaks.Count - 1] - peaks[0]:0.0} MB (target: within 50 MB)");
                    fast.StandardInput.Close();
                    fast.WaitForExit(10000);
                    Console.WriteLine();
                }

                if (!options.Skips("rate"))
                {
                    var rows = (int)Math.Round(options.Rate * options.RateSeconds);
                    // The unpaced cost at about the same rate: one in flight against L = 50 ms is ~20/s.
                    var unpaced = RunClient(self, uri, rows, 1, null);
                    var unpacedCpu = unpaced.GetProperty("cpuMs").GetDouble() / rows;
                    var unpacedRate = rows / (unpaced.GetProperty("wallMs").GetDouble() / 1000);
                    foreach (var jitter in options.Jitters)
                    {
                        Console.WriteLine($"Pacing: -RatePerSecond {options.Rate} for {rows} rows (~{options.RateSeconds} s), ThrottleLimit 4, arrivals timed at the server" +
                                          (jitter > 0 ? $", each request held 0-{jitter} ms on its way (a relay)" : ""));
                        using var paceServer = jitter > 0 ? StartServer(self, options, "--jitter", jitter.ToString(CultureInfo.InvariantCulture)) : null;
                        var paceUri = paceServer?.Uri ?? uri;
                        using (var http = new System.Net.Http.HttpClient()) http.DeleteAsync(paceUri + "__bench/arrivals").GetAwaiter().GetResult();
                        var r = RunClient(self, paceUri, rows, 4, options.Rate);
                        failures += r.GetProperty("errors").GetInt32();
                        long[] ticks;
                        using (var http = new System.Net.Http.HttpClient())
                            ticks = JsonSerializer.Deserialize<long[]>(http.GetStringAsync(paceUri + "__bench/arrivals").GetAwaiter().GetResult())!;
                        // The warm-up sends come first and unpaced: measure the paced run only (the last `rows` arrivals).
                        var times = ticks.OrderBy(t => t).Skip(Math.Max(0, ticks.Length - rows)).ToArray();
                        var span = TimeSpan.FromTicks(times[times.Length - 1] - times[0]).TotalSeconds;
                        var achieved = (times.Length - 1) / span;
                        var maxWindow = 0;
                        for (int i = 0, j = 0; i < times.Length; i++)
                        {
                            while (j < times.Length && times[j] - times[i] < TimeSpan.TicksPerSecond) j++;
                            maxWindow = Math.Max(maxWindow, j - i);
                        }
                        // How close R+1 consecutive arrivals came: under 1000 ms means one window held R+1.
                        var r1 = (int)Math.Floor(options.Rate);
                        var tightest = Enumerable.Range(0, Math.Max(0, times.Length - r1)).Select(k => (times[k + r1] - times[k]) / (double)TimeSpan.TicksPerMillisecond).DefaultIfEmpty(0).Min();
                        var crowded = Enumerable.Range(0, Math.Max(0, times.Length - r1)).Count(k => times[k + r1] - times[k] < TimeSpan.TicksPerSecond);
                        var gaps = Enumerable.Range(1, times.Length - 1).Select(k => (times[k] - times[k - 1]) / (double)TimeSpan.TicksPerMillisecond).OrderBy(g => g).ToList();
                        var wholeSeconds = times.GroupBy(t => t / TimeSpan.TicksPerSecond).Select(g => g.Count()).ToList();
                        var pacedCpu = r.GetProperty("cpuMs").GetDouble() / rows;
                        Console.WriteLine($"  {times.Length} arrivals over {span:0.00} s: {achieved:0.000}/s ({100 * (achieved - options.Rate) / options.Rate:+0.00;-0.00}% vs {options.Rate}/s)");
                        Console.WriteLine($"  max in any sliding one-second window: {maxWindow}; max in a calendar second: {wholeSeconds.Max()} (limit {Math.Floor(options.Rate)})");
                        Console.WriteLine($"  tightest {r1 + 1} consecutive arrivals span {tightest:0.0} ms ({crowded} of {times.Length - r1} such runs under 1000 ms); " +
                                          $"gap between arrivals: min {gaps[0]:0.0} ms, median {gaps[gaps.Count / 2]:0.0} ms, max {gaps[gaps.Count - 1]:0.0} ms");
                        Console.WriteLine($"  client CPU {pacedCpu:0.000} ms per paced message ({r.GetProperty("poolItems").GetInt64() / (double)rows:0.00} pool items); " +
                                          $"unpaced at {unpacedRate:0.0}/s (one in flight): {unpacedCpu:0.000} ms ({unpaced.GetProperty("poolItems").GetInt64() / (double)rows:0.00}); ratio {pacedCpu / unpacedCpu:0.00}");
                        Console.WriteLine();
                    }
                }

                if (!options.Skips("limit"))
                {
                    var n = options.Limit > 0 ? options.Limit : 20;
                    Console.WriteLine($"Against the service's limit: {options.LimitRows} rows, no -RatePerSecond, ThrottleLimit 4, through a server that takes {n} sends in any second and refuses the rest with 429");
                    using var limitServer = StartServer(self, options, "--limit", n.ToString(CultureInfo.InvariantCulture));
                    var r = RunClient(self, limitServer.Uri, options.LimitRows, 4, null, warmup: 0);
                    failures += r.GetProperty("errors").GetInt32();
                    using var http = new System.Net.Http.HttpClient();
                    using var counts = JsonDocument.Parse(http.GetStringAsync(limitServer.Uri + "__bench/limit").GetAwaiter().GetResult());
                    var taken = counts.RootElement.GetProperty("taken").GetInt32();
                    var refused = counts.RootElement.GetProperty("refused").GetInt32();
                    var wallS = r.GetProperty("wallMs").GetDouble() / 1000;
                    var rate = options.LimitRows / wallS;
                    Console.WriteLine($"  {taken} taken, {refused} refused with 429 ({100.0 * refused / (taken + refused):0.0}% of {taken + refused} requests); {r.GetProperty("errors").GetInt32()} errors");
                    Console.WriteLine($"  {options.LimitRows} rows in {wallS:0.00} s: {rate:0.00}/s, {100 * rate / n:0.0}% of the {n}/s limit");
                    Console.WriteLine();
                }

                if (imports.Count > 0)
                {
                    var sorted = imports.OrderBy(x => x).ToList();
                    Console.WriteLine($"Module import (Import-Module in a fresh process, cold): median {sorted[sorted.Count / 2]:0} ms, min {sorted[0]:0} ms, max {sorted[sorted.Count - 1]:0} ms over {sorted.Count} processes");
                }
                Console.WriteLine("Client CPU is the client process's TotalProcessorTime during the pipeline (server in another process);");
                Console.WriteLine("'module only' subtracts the same number of rows generated and piped to Out-Null; 'HttpClient alone' is the");
                Console.WriteLine("same POSTs with the same number in flight from a bare HttpClient in its own process (no PowerShell, no module).");
                Console.WriteLine("Pool items/msg: thread-pool work items per row (HttpClient alone in brackets); each wake of an idle pool");
                Console.WriteLine("worker ends with the runtime spinning before the worker sleeps, most of the CPU at low rates on a VM.");
                if (failures > 0) Console.WriteLine($"WARNING: {failures} send error(s) during the benchmark.");
            }
            finally
            {
                server.StandardInput.Close();
                server.WaitForExit(10000);
            }
            return failures > 0 ? 1 : 0;
        }

        private static JsonElement RunClient(string self, string uri, int rows, int throttle, double? rate, bool journal = false, bool bare = false, int? warmup = null)
        {
            var args = new List<string> { "client", "--uri", uri, "--rows", rows.ToString(CultureInfo.InvariantCulture), "--throttle", throttle.ToString(CultureInfo.InvariantCulture) };
            if (warmup.HasValue) { args.Add("--warmup"); args.Add(warmup.Value.ToString(CultureInfo.InvariantCulture)); }
            if (journal) args.Add("--journal");
            if (bare) args.Add("--bare");
            if (rate.HasValue) { args.Add("--client-rate"); args.Add(rate.Value.ToString(CultureInfo.InvariantCulture)); }
            using var client = Start(self, args.ToArray());
            var stderr = client.StandardError.ReadToEndAsync();
            var output = client.StandardOutput.ReadToEnd();
            client.WaitForExit();
            var err = stderr.GetAwaiter().GetResult();
            if (err.Length > 0) Console.Error.Write(err);
            var line = output.Split('\n').Last(l => l.TrimStart().StartsWith('{'));
            return JsonDocument.Parse(line).RootElement.Clone();
        }

        /// <summary>The server in its own process, with its address; disposing it stops the server.</summary>
        public static ServerProcess StartServer(string self, Options options, params string[] extra)
        {
            var process = Start(self, new[] { "server", "--latency", options.LatencyMs.ToString(CultureInfo.InvariantCulture) }.Concat(extra).ToArray());
            var urlLine = process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("The server did not start: " + process.StandardError.ReadToEnd());
            return new ServerProcess(process, urlLine.Substring("URL ".Length).Trim());
        }

        private static Process Start(string self, params string[] args)
        {
            var info = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
            };
            // Run as `dotnet Octopods.Bench.dll …` unless this is the apphost.
            if (Path.GetFileNameWithoutExtension(info.FileName).Equals("dotnet", StringComparison.OrdinalIgnoreCase)) info.ArgumentList.Add(self);
            foreach (var a in args) info.ArgumentList.Add(a);
            return Process.Start(info)!;
        }
    }

    /// <summary>A server child process and its address.</summary>
    internal sealed class ServerProcess : IDisposable
    {
        private readonly Process _process;

        public ServerProcess(Process process, string uri)
        {
            _process = process;
            Uri = uri;
        }

        public string Uri { get; }

        public void Dispose()
        {
            try { _process.StandardInput.Close(); _process.WaitForExit(5000); } catch (InvalidOperationException) { }
            if (!_process.HasExited) _process.Kill();
            _process.Dispose();
        }
    }
}

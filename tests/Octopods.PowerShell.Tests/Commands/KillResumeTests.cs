using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Octopods.Bulk;
using Octopods.Sandbox;
using Octopods.TestServer;
using Octopods.Time;
using Xunit;
using Xunit.Abstractions;

namespace Octopods.PowerShell.Tests.Commands
{
    /// <summary>
    /// A bulk send (SMS, and a WhatsApp template) in a child process (real pwsh running a .ps1) killed at a seeded random
    /// moment, then resumed here with the same journal: every row must end accepted exactly once or
    /// reported unknown, and none may be accepted twice.
    /// </summary>
    public class KillResumeTests : IAsyncLifetime
    {
        private const int Rows = 40;
        private const int Throttle = 4;
        private readonly ITestOutputHelper _output;
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "octopods-kill-" + Guid.NewGuid().ToString("N"));
        private EmulatorServer _server = null!;

        public KillResumeTests(ITestOutputHelper output) => _output = output;

        public async Task InitializeAsync()
        {
            Directory.CreateDirectory(_dir);
            _server = await EmulatorServer.StartAsync(new OctopodsEmulator(SystemClock.Instance));
            _server.Latency = TimeSpan.FromMilliseconds(15);
        }

        public async Task DisposeAsync()
        {
            await _server.DisposeAsync();
            try { Directory.Delete(_dir, true); } catch (IOException) { }
        }

        private static string RowScript(int rows) =>
            $"1..{rows} | ForEach-Object {{ [pscustomobject]@{{ To = '+1415555' + (4000 + $_); Message = \"kill row $_\"; B = 'x' }} }}";

        private const string Sms = "Send-OctopodsSms";
        // The same rows through a template command: the row's number is its first body variable.
        private const string WhatsApp = "Send-OctopodsWhatsAppTemplate -TemplateId 1001 -BodyVariableProperty Message, B";

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(3)]
        [InlineData(4)]
        public Task A_run_killed_at_a_random_moment_and_resumed_sends_no_row_twice(int seed) => KillAndResume(seed, "Sms", Sms);

        [Theory]
        [InlineData(5)]
        [InlineData(7)]
        public Task A_whatsapp_template_run_killed_at_a_random_moment_and_resumed_sends_no_row_twice(int seed) =>
            KillAndResume(seed, "WhatsApp", WhatsApp);

        private async Task KillAndResume(int seed, string channel, string command)
        {
            var random = new Random(seed);
            var killAfter = random.Next(1, Rows - Throttle);        // accepted sends before the kill
            var extraDelay = random.Next(0, 25);                     // then a little more, to land anywhere in a send
            var journal = Path.Combine(_dir, $"seed{seed}.jsonl");
            var script = Path.Combine(_dir, $"seed{seed}.ps1");
            File.WriteAllText(script, $@"
param($manifest, $uri, $journal)
Import-Module $manifest -ErrorAction Stop
Connect-Octopods -Channel {channel} -ApiKey ([System.Net.NetworkCredential]::new('', 'sk_kill_test').SecurePassword) -BaseUri $uri
{RowScript(Rows)} | {command} -JournalPath $journal -ThrottleLimit {Throttle} | Out-Null
");
            var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
            var start = new ProcessStartInfo(dotnet)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in new[] { RealPwsh.Dll, "-NoProfile", "-NonInteractive", "-File", script, ModuleFolder.Manifest, _server.BaseUri.ToString(), journal })
                start.ArgumentList.Add(arg);
            using var child = Process.Start(start)!;
            var stdout = child.StandardOutput.ReadToEndAsync();
            var stderr = child.StandardError.ReadToEndAsync();

            var watch = Stopwatch.StartNew();
            while (_server.Emulator.Ledger.Count < killAfter && !child.HasExited && watch.Elapsed < TimeSpan.FromSeconds(60))
                await Task.Delay(1);
            await Task.Delay(extraDelay);
            var exitedBeforeKill = child.HasExited;
            if (!exitedBeforeKill) child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync();
            _output.WriteLine($"seed {seed}: kill after {killAfter} accepted (+{extraDelay} ms); ledger at kill {_server.Emulator.Ledger.Count}; exited first: {exitedBeforeKill}");
            if (exitedBeforeKill) _output.WriteLine(await stdout + await stderr);
            Assert.False(exitedBeforeKill && _server.Emulator.Ledger.Count < Rows, "the child ended early: " + await stdout + await stderr);
            await Task.Delay(100); // let the server finish any request the kill cut short

            Dictionary<string, JournalEntry> atKill;
            int torn;
            using (var file = new FileStream(journal, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
                (atKill, torn, _, _, _) = SendJournal.Read(file);   // as a resumed run reads it
            _output.WriteLine($"journal at kill: {atKill.Count} rows, {atKill.Values.Count(e => e.State == JournalState.Accepted)} accepted, " +
                              $"{atKill.Values.Count(e => e.State == JournalState.Unknown)} unknown, {torn} torn line(s)");

            using var engine = new HostedEngine();
            engine.Run($"Connect-Octopods -Channel {channel} -ApiKey ([System.Net.NetworkCredential]::new('', 'sk_kill_test').SecurePassword) -BaseUri {_server.BaseUri}").AssertNoErrors();
            var resumed = engine.Run(RowScript(Rows) + $" | {command} -JournalPath $args[0] -ThrottleLimit 8", journal);

            var results = resumed.Output.Select(o => (Phone: (string)o.Properties["PhoneNumber"].Value, FromJournal: (bool)o.Properties["FromJournal"].Value)).ToList();
            var unknown = resumed.Errors.Where(e => e.FullyQualifiedErrorId.StartsWith("Octopods.OutcomeUnknown,", StringComparison.Ordinal)).ToList();
            Assert.Equal(resumed.Errors.Count, unknown.Count);               // nothing else went wrong
            Assert.Equal(Rows, results.Count + unknown.Count);                 // every row accounted for
            Assert.InRange(unknown.Count, 0, Throttle);                        // at most the window was in doubt

            var ledger = _server.Emulator.Ledger.GroupBy(s => RowOf(s.Content)).ToDictionary(g => g.Key, g => g.Count());
            Assert.All(ledger, pair => Assert.True(pair.Value == 1, $"row {pair.Key} was accepted {pair.Value} times"));
            foreach (var result in results)
                Assert.True(ledger.ContainsKey(int.Parse(result.Phone.AsSpan("+1415555".Length), CultureInfo.InvariantCulture) - 4000), $"{result.Phone} reported sent but not in the ledger");
            var unknownPhones = unknown.Select(e => (string)((System.Management.Automation.PSObject)e.TargetObject).Properties["To"].Value).ToList();
            var accepted = ledger.Keys.Select(k => "+1415555" + (4000 + k)).ToHashSet();
            foreach (var i in Enumerable.Range(1, Rows))
            {
                var phone = "+1415555" + (4000 + i);
                Assert.True(accepted.Contains(phone) || unknownPhones.Contains(phone), $"{phone} was neither accepted nor reported unknown");
            }
            Assert.Equal(Rows - unknown.Count, results.Count);
            Assert.True(results.Count(r => r.FromJournal) >= Math.Min(killAfter, Rows) - Throttle,
                $"only {results.Count(r => r.FromJournal)} row(s) came from the journal after {killAfter} accepted");
        }

        /// <summary>The row's number in what the emulator accepted: the SMS body, or the template text holding it.</summary>
        private static int RowOf(string content) => int.Parse(System.Text.RegularExpressions.Regex.Match(content, @"kill row (\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
    }
}

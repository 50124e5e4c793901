using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Octopods.FlowControl;
using Octopods.Bulk;
using Octopods.Http;
using Octopods.Sms;
using Octopods.TestServer;

namespace Octopods.Bench
{
    /// <summary>
    /// The soak (--soak): N rows through the core bulk engine, with a journal, against the emulator in
    /// its own process, a share of the requests meeting one of the server's faults. Checked: every
    /// row ends as exactly one outcome; the emulator accepted no row twice; no row reported as a
    /// certain failure was accepted; a resume without faults leaves every row sent or reported
    /// unknown; the client's memory at the end is close to its memory after the first 10% of rows.
    /// </summary>
    internal static class Soak
    {
        // Every fault that ends a row or costs a retry; a 429 naming a time hours away is left out, as it
        // stops the run by design (tested on its own).
        public static readonly ServerFault[] Mix =
        {
            ServerFault.ServerError, ServerFault.HtmlBadGateway, ServerFault.ResetBeforeBody, ServerFault.ResetAfterBody,
            ServerFault.Timeout, ServerFault.TruncatedBody, ServerFault.WrongShape, ServerFault.RateLimitUnparseable,
            ServerFault.RateLimitPast, ServerFault.RedirectElsewhere, ServerFault.HugeBody, ServerFault.EchoKey,
        };

        public static int Run(Options options, string self)
        {
            var rows = options.Rows;
            using var server = Orchestrator.StartServer(self, options, "--faults", options.FaultRate.ToString(CultureInfo.InvariantCulture));
            var uri = new Uri(server.Uri);
            var journal = Path.Combine(Path.GetTempPath(), $"octopods-soak-{Guid.NewGuid():N}.jsonl");
            Console.WriteLine($"Soak: {rows:N0} rows, {options.FaultRate:P1} of sends meet one of {Mix.Length} faults, ThrottleLimit {options.Throttle}, journal {journal}");
            try
            {
                var watch = Stopwatch.StartNew();
                var first = Pass(uri, rows, options.Throttle, journal, out var peakEarly, out var peakEnd);
                Console.WriteLine($"  pass 1: {first.Sent:N0} sent, {first.Failed:N0} certainly not, {first.Unknown:N0} unknown, {first.Other:N0} other, " +
                                  $"in {watch.Elapsed.TotalSeconds:0} s; {first.Pauses} 429 pause(s)");
                Console.WriteLine($"  client working set: {peakEarly / 1048576.0:0.0} MB after 10% of rows, {peakEnd / 1048576.0:0.0} MB at the end (peak)");
                var ledger = Ledger(server.Uri);
                var duplicates = ledger.GroupBy(c => c).Count(g => g.Count() > 1);
                var acceptedFailures = first.FailedContents.Count(ledger.Contains);
                Console.WriteLine($"  emulator: {ledger.Count:N0} accepted, {duplicates} accepted twice; certain failures the emulator had accepted: {acceptedFailures}");

                Control(server.Uri, "off");
                var second = Pass(uri, rows, options.Throttle, journal, out _, out _);
                ledger = Ledger(server.Uri);
                var duplicatesAfter = ledger.GroupBy(c => c).Count(g => g.Count() > 1);
                var missing = rows - ledger.Distinct().Count();
                Console.WriteLine($"  resume without faults: {second.Sent:N0} sent, {second.FromJournal:N0} from the journal, {second.Unknown:N0} still unknown (not re-sent), " +
                                  $"{second.Failed:N0} failed; emulator {ledger.Count:N0} accepted, {duplicatesAfter} twice, {missing} rows never accepted");

                var ok = first.Total == rows && second.Total == rows && duplicates == 0 && duplicatesAfter == 0 && acceptedFailures == 0
                         && missing <= second.Unknown && second.Failed == 0;
                Console.WriteLine(ok ? "  SOAK PASSED" : "  SOAK FAILED");
                return ok ? 0 : 1;
            }
            finally
            {
                try { File.Delete(journal); } catch (IOException) { }
            }
        }

        private sealed class Tally
        {
            public int Sent, FromJournal, Failed, Unknown, Other, Pauses;
            public List<string> FailedContents = new List<string>();
            public int Total => Sent + FromJournal + Failed + Unknown + Other;
        }

        private static Tally Pass(Uri uri, int rows, int throttle, string journalPath, out long peakEarly, out long peakEnd)
        {
            var tally = new Tally();
            using var gate = new SendGate(Time.SystemClock.Instance);
            var client = new OctopodsClient(new OctopodsClientOptions(OctopodsChannel.Sms, new ApiKey("sk_soak_key_5e1f"), uri)
            {
                RequestTimeout = TimeSpan.FromSeconds(2),
                DefaultRateLimitWait = TimeSpan.FromMilliseconds(200),
            });
            peakEarly = 0;
            using (var engine = new BulkSender<SmsSendRequest, SmsSendResult>(ChannelOperations.Sms(new SmsApi(client)),
                       new BulkOptions { ThrottleLimit = throttle }, gate, SendJournal.Open(journalPath)))
            {
                void Take()
                {
                    while (engine.TryTake(out var o))
                    {
                        switch (o.Kind)
                        {
                            case BulkRowKind.Sent: tally.Sent++; break;
                            case BulkRowKind.FromJournal: tally.FromJournal++; break;
                            case BulkRowKind.Failed: tally.Failed++; tally.FailedContents.Add(o.Request.Body); break;
                            case BulkRowKind.Unknown: tally.Unknown++; break;
                            default: tally.Other++; break;
                        }
                    }
                }
                for (var i = 0; i < rows; i++)
                {
                    while (!engine.HasRoom)
                    {
                        Take();
                        engine.WhenReadyAsync().Wait(TimeSpan.FromSeconds(1));
                    }
                    engine.Submit(SmsSendRequest.Create("+1415" + (5000000 + i % 4000000).ToString(CultureInfo.InvariantCulture), "soak row " + i), null);
                    if (i == rows / 10) peakEarly = Process.GetCurrentProcess().PeakWorkingSet64;
                }
                engine.WaitAllDoneAsync(CancellationToken.None).Wait();
                Take();
                tally.Pauses = gate.Pauses;
            }
            peakEnd = Process.GetCurrentProcess().PeakWorkingSet64;
            return tally;
        }

        private static readonly HttpClient Http = new HttpClient();

        private static List<string> Ledger(string server) =>
            JsonSerializer.Deserialize<List<string>>(Http.GetStringAsync(server + "__bench/ledger").GetAwaiter().GetResult())!;

        private static void Control(string server, string faults) =>
            Http.PostAsync(server + "__bench/faults/" + faults, null).GetAwaiter().GetResult().EnsureSuccessStatusCode();
    }
}

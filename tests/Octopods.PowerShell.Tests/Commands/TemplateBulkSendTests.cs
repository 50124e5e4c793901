using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Octopods.Sandbox;
using Octopods.Templates;
using Octopods.Viber;
using Octopods.WhatsApp;
using Octopods.TestServer;
using Xunit;

namespace Octopods.PowerShell.Tests.Commands
{
    /// <summary>
    /// Send-OctopodsWhatsAppTemplate and Send-OctopodsViberTemplate in bulk: the built module against the
    /// emulator on a loopback socket, on the wall clock (the SMS counterpart is BulkSendTests).
    /// </summary>
    public class TemplateBulkSendTests : LoopbackModuleTests
    {
        private const string Key = "wa_live_BULKSENTINEL_77";

        private protected override EmulatorOptions Emulator => new EmulatorOptions
        {
            SentAfter = TimeSpan.FromMilliseconds(100),
            FinalAfter = TimeSpan.FromMilliseconds(300),
            ReadAfter = TimeSpan.FromMinutes(10),
        };

        protected override string Connect(Uri baseUri) =>
            $"Connect-Octopods -Channel WhatsApp, Viber -ApiKey ([System.Net.NetworkCredential]::new('', '{Key}').SecurePassword) -BaseUri {baseUri}";

        private static string Id(ErrorRecord error) => error.FullyQualifiedErrorId.Split(',')[0];

        /// <summary>Rows as Import-Csv would give them: To and two variable columns (A = "row N", B = "x"), numbered.</summary>
        private static string Rows(int count, int first = 1) =>
            $"{first}..{first + count - 1} | ForEach-Object {{ [pscustomobject]@{{ To = '+1415555' + (5000 + $_); A = \"row $_\"; B = 'x' }} }}";

        private const string WhatsApp = "Send-OctopodsWhatsAppTemplate -TemplateId 1001 -BodyVariableProperty A, B";
        private const string Viber = "Send-OctopodsViberTemplate -TemplateId 2001 -BodyVariableProperty A, B";

        private static int RowOf(string content) => int.Parse(System.Text.RegularExpressions.Regex.Match(content, @"row (\d+)").Groups[1].Value, CultureInfo.InvariantCulture);

        /// <summary>How many times the emulator accepted each row (by its "row N" variable), per channel.</summary>
        private Dictionary<int, int> Accepted(OctopodsChannel channel) => Server.Emulator.Ledger
            .Where(s => s.Channel == channel)
            .Select(s => RowOf(s.Content))
            .GroupBy(n => n).ToDictionary(g => g.Key, g => g.Count());

        [Fact]
        public void WhatsApp_results_and_errors_keep_input_order_under_concurrency_with_progress_and_summary()
        {
            Server.Intercept = RequestIntercepts.RandomPostDelay(7);
            var run = Engine.Run(@"
                $rows = 1..40 | ForEach-Object {
                    if ($_ % 9 -eq 0) { [pscustomobject]@{ To = 'not a phone'; A = ""row $_""; B = 'x' } }
                    elseif ($_ % 13 -eq 0) { [pscustomobject]@{ To = '+1415555' + (5000 + $_); A = ""row $_"" } }
                    else { [pscustomobject]@{ To = '+1415555' + (5000 + $_); A = ""row $_""; B = 'x' } }
                }
                $rows | " + WhatsApp + " -ThrottleLimit 8 -TotalCount 40 2>&1");
            Assert.Equal(40, run.Output.Count);
            for (var i = 1; i <= 40; i++)
            {
                var item = run.Output[i - 1].BaseObject;
                if (i % 9 == 0 || i % 13 == 0)
                {
                    var error = Assert.IsType<ErrorRecord>(item);
                    Assert.Equal(i % 9 == 0 ? "Octopods.PhoneInvalid" : "Octopods.ArgumentMissing", Id(error));
                    Assert.Equal($"row {i}", ((PSObject)error.TargetObject).Properties["A"].Value);
                }
                else
                {
                    var result = Assert.IsType<WhatsAppSendResult>(item);
                    Assert.Equal(("+1415555" + (5000 + i), "1001", false), (result.PhoneNumber, result.TemplateId, result.FromJournal));
                }
            }
            var ledger = Server.Emulator.Ledger;
            Assert.Equal(33, ledger.Count);
            Assert.All(Accepted(OctopodsChannel.WhatsApp), pair => Assert.Equal(1, pair.Value));
            // The sends overlapped (acceptance order differs from input order), yet the output did not.
            var byRow = ledger.OrderBy(s => RowOf(s.Content)).Select(s => s.MessageId);
            Assert.NotEqual(byRow, ledger.Select(s => s.MessageId));
            // One template lookup for the whole run.
            Assert.Single(Server.Requests, r => r.StartsWith("GET /api/v1/whatsapp/templates/1001", StringComparison.Ordinal));

            Assert.Contains(run.Progress, p => p.Activity == "Sending WhatsApp templates" && p.RecordType == ProgressRecordType.Processing &&
                                              p.StatusDescription.Contains("of 40 message(s) done"));
            Assert.Contains(run.Progress, p => p.Activity == "Sending WhatsApp templates" && p.RecordType == ProgressRecordType.Completed);
            var summary = Assert.Single(run.Information, i => i.StartsWith("Send-OctopodsWhatsAppTemplate:", StringComparison.Ordinal));
            Assert.Contains("40 row(s): 33 sent, 7 failed, 0 from the journal, 0 unknown", summary);
        }

        [Theory]
        [InlineData(WhatsApp, OctopodsChannel.WhatsApp)]
        [InlineData(Viber, OctopodsChannel.Viber)]
        public void A_template_row_with_several_numbers_is_one_message_each_and_a_resumed_run_sends_none_twice(string command, OctopodsChannel channel)
        {
            var journal = Journal();
            var rows = @"@(
                [pscustomobject]@{ To = @('+14155556001', 'bad', '+14155556002'); A = 'row 1'; B = 'x' }
                [pscustomobject]@{ To = '+14155556003;+14155556004'; A = 'row 2'; B = 'x'; IdempotencyKey = 'campaign-2' }
            )";
            var first = Engine.Run($"{rows} | {command} -JournalPath '{journal}' -ThrottleLimit 4 2>&1");
            var items = first.Output.Select(o => o.BaseObject).ToList();
            Assert.Equal(5, items.Count);
            var error = Assert.IsType<ErrorRecord>(items[1]);
            Assert.Equal("Octopods.PhoneInvalid", Id(error));
            Assert.Contains("'bad'", error.Exception.Message);
            Assert.Equal(new[] { "+14155556001", "+14155556002", "+14155556003", "+14155556004" },
                items.OfType<TemplateSendResult>().Select(r => r.PhoneNumber));
            Assert.Equal(4, Server.Emulator.Ledger.Count(s => s.Channel == channel));

            var again = Engine.Run($"{rows.Replace("'bad'", "'+14155556005'")} | {command} -JournalPath '{journal}'");
            again.AssertNoErrors();
            var results = again.All<TemplateSendResult>();
            Assert.Equal(new[] { "+14155556001", "+14155556005", "+14155556002", "+14155556003", "+14155556004" }, results.Select(r => r.PhoneNumber));
            Assert.Equal(new[] { true, false, true, true, true }, results.Select(r => r.FromJournal));
            Assert.Equal(5, Server.Emulator.Ledger.Count(s => s.Channel == channel));
        }

        [Fact]
        public void A_resumed_WhatsApp_run_skips_accepted_rows_retries_refused_ones_and_reports_unknown_ones()
        {
            var journal = Journal();
            var refused = 0;
            var dropped = 0;
            Server.Intercept = async ctx =>
            {
                if (ctx.Request.Method != "POST") return false;
                var body = BodyOf(ctx);
                if (body.Contains("\"row 2\"") && Interlocked.Exchange(ref refused, 1) == 0)
                {
                    // Certainly refused: safe to send again.
                    ctx.Response.StatusCode = 400;
                    ctx.Response.ContentType = "application/json";
                    await ctx.Response.WriteAsync("{\"request_id\":\"req_test\",\"error_code\":5,\"error\":\"Destination phone number is invalid. Use the E.164 format.\"}");
                    return true;
                }
                if (body.Contains("\"row 3\"") && Interlocked.Exchange(ref dropped, 1) == 0)
                {
                    ctx.Abort();   // the answer is lost: the client cannot know whether it went out
                    return true;
                }
                return false;
            };
            var rows = Rows(4) + "; [pscustomobject]@{ To = 'bad'; A = 'row 5'; B = 'x' }";
            var first = Engine.Run($"$(& {{ {rows} }}) | {WhatsApp} -JournalPath '{journal}' -ThrottleLimit 4");
            Assert.Equal(new[] { "+14155555001", "+14155555004" }, first.All<WhatsAppSendResult>().Select(r => r.PhoneNumber));
            var firstErrors = first.Errors.Select(Id).ToList();
            Assert.Equal("Octopods.PhoneInvalid", firstErrors[0]);   // the service's code 5: certainly not sent
            Assert.Equal("Octopods.OutcomeUnknown", firstErrors[1]);
            Assert.Equal("Octopods.PhoneInvalid", firstErrors[2]);
            Assert.Equal(3, firstErrors.Count);
            Assert.Equal(2, Server.Emulator.Ledger.Count);

            var second = Engine.Run($"$(& {{ {rows} }}) | {WhatsApp} -JournalPath '{journal}' -Verbose");
            var results = second.All<WhatsAppSendResult>();
            Assert.Equal(new[] { "+14155555001", "+14155555002", "+14155555004" }, results.Select(r => r.PhoneNumber));
            Assert.Equal(new[] { true, false, true }, results.Select(r => r.FromJournal));
            Assert.Equal(first.All<WhatsAppSendResult>().Select(r => r.MessageId), new[] { results[0].MessageId, results[2].MessageId });
            Assert.All(results, r => Assert.Equal("1001", r.TemplateId));
            Assert.Equal(new[] { "Octopods.OutcomeUnknown", "Octopods.PhoneInvalid" }, second.Errors.Select(Id));
            Assert.Contains("-ResendUnknown", second.Errors[0].Exception.Message);
            Assert.Contains(second.Verbose, v => v.Contains("Resuming from the journal") && v.Contains("2 row(s) accepted earlier"));
            Assert.Contains(second.Information, i => i.Contains("1 sent") && i.Contains("2 from the journal") && i.Contains("1 unknown"));
            // Only the refused row went out again; the unknown row was not re-sent.
            Assert.Equal(new Dictionary<int, int> { [1] = 1, [2] = 1, [4] = 1 }, Accepted(OctopodsChannel.WhatsApp));

            var third = Engine.Run($"$(& {{ {rows} }}) | {WhatsApp} -JournalPath '{journal}' -ResendUnknown");
            Assert.Equal(new[] { true, true, false, true }, third.All<WhatsAppSendResult>().Select(r => r.FromJournal));
            Assert.Equal("Octopods.PhoneInvalid", Id(Assert.Single(third.Errors)));
            Assert.Equal(new Dictionary<int, int> { [1] = 1, [2] = 1, [3] = 1, [4] = 1 }, Accepted(OctopodsChannel.WhatsApp));

            var text = File.ReadAllText(journal);
            Assert.DoesNotContain(Key, text);
            Assert.DoesNotContain("SENTINEL", text);
            Assert.DoesNotContain("row 1", text);   // the journal keeps hashes, not the variables
        }

        [Fact]
        public void WhatsApp_Wait_on_a_resumed_run_follows_the_journaled_messages_too()
        {
            var journal = Journal();
            Engine.Run($"{Rows(3)} | {WhatsApp} -JournalPath '{journal}'").AssertNoErrors();
            var run = Engine.Run($"{Rows(4)} | {WhatsApp} -JournalPath '{journal}' -Wait -PollIntervalSeconds 0.2 -TimeoutSeconds 30");
            run.AssertNoErrors();
            var results = run.All<WhatsAppSendResult>();
            Assert.Equal(new[] { true, true, true, false }, results.Select(r => r.FromJournal));
            Assert.All(results, r => Assert.Equal("Delivered", r.Status));
            Assert.All(results, r => Assert.NotNull(r.DeliveredAt));
            Assert.Equal(4, Server.Emulator.Ledger.Count);
            foreach (var result in results)
                Assert.Contains(Server.Requests, r => r == "GET /api/v1/whatsapp/messages/" + result.MessageId);
        }

        [Fact]
        public void WhatIf_sends_nothing_and_writes_no_journal_for_either_template_command()
        {
            var journal = Journal();
            var run = Engine.Run($"{Rows(5)} | {WhatsApp} -JournalPath '{journal}' -WhatIf; {Rows(5)} | {Viber} -JournalPath '{journal}' -WhatIf");
            run.AssertNoErrors();
            Assert.Empty(run.Output);
            Assert.DoesNotContain(Server.Requests, r => r.StartsWith("POST ", StringComparison.Ordinal));
            Assert.False(File.Exists(journal));
        }

        [Fact]
        public void WhatsApp_pacing_keeps_every_one_second_window_within_the_rate()
        {
            var run = Engine.Run($"{Rows(12)} | {WhatsApp} -ThrottleLimit 8 -RatePerSecond 8");
            run.AssertNoErrors();
            var times = Server.Emulator.Ledger.Select(s => s.AcceptedAt).OrderBy(t => t).ToList();
            Assert.Equal(12, times.Count);
            var maxInWindow = times.Select((t, i) => times.Skip(i).TakeWhile(u => u - t < TimeSpan.FromSeconds(1)).Count()).Max();
            // Generous bounds (tests run in parallel; the figures belong to the benchmark): 8/s ideal, 1.38 s span.
            Assert.InRange(maxInWindow, 1, 10);
            Assert.True(times[11] - times[0] >= TimeSpan.FromSeconds(0.9), $"12 sends at 8/s took only {(times[11] - times[0]).TotalSeconds:0.00} s");
        }

        [Fact]
        public void Same_variables_to_the_same_number_twice_are_two_rows_when_allowed_and_an_explicit_key_names_a_row()
        {
            var journal = Journal();
            var script = $@"@(
                [pscustomobject]@{{ To = '+14155555001'; A = 'row 1'; B = 'same' }}
                [pscustomobject]@{{ To = '+14155555001'; A = 'row 1'; B = 'same' }}
                [pscustomobject]@{{ To = '+14155555002'; A = 'row 2'; B = 'v1'; IdempotencyKey = 'order-7' }}
            ) | {WhatsApp} -JournalPath '{journal}' -AllowDuplicate";
            Engine.Run(script).AssertNoErrors();
            Assert.Equal(3, Server.Emulator.Ledger.Count);
            // Re-run with a variable of the keyed row edited: the key, not the variables, names the row.
            var again = Engine.Run(script.Replace("'v1'", "'v2'"));
            again.AssertNoErrors();
            Assert.All(again.All<WhatsAppSendResult>(), r => Assert.True(r.FromJournal));
            Assert.Equal(3, Server.Emulator.Ledger.Count);
            Assert.DoesNotContain("order-7", File.ReadAllText(journal));
            // Without a key, other variables make other rows: both unkeyed rows go out again.
            var edited = Engine.Run(script.Replace("'same'", "'changed'"));
            edited.AssertNoErrors();
            Assert.Equal(new[] { false, false, true }, edited.All<WhatsAppSendResult>().Select(r => r.FromJournal));
            Assert.Equal(5, Server.Emulator.Ledger.Count);
        }

        [Fact]
        public void A_Viber_bulk_send_resumed_with_its_journal_sends_each_row_exactly_once()
        {
            var journal = Journal("viber.jsonl");
            var first = Engine.Run($"{Rows(6)} | {Viber} -ThrottleLimit 4 -JournalPath '{journal}'");
            first.AssertNoErrors();
            Assert.Equal(6, first.Output.Count);
            Assert.Contains(first.Information, i => i.StartsWith("Send-OctopodsViberTemplate:", StringComparison.Ordinal) && i.Contains("6 sent"));

            var resumed = Engine.Run($"{Rows(10)} | {Viber} -ThrottleLimit 4 -JournalPath '{journal}' -TotalCount 10");
            resumed.AssertNoErrors();
            var results = resumed.All<ViberSendResult>();
            Assert.Equal(Enumerable.Range(1, 10).Select(i => "+1415555" + (5000 + i)), results.Select(r => r.PhoneNumber));
            Assert.Equal(Enumerable.Range(1, 10).Select(i => i <= 6), results.Select(r => r.FromJournal));
            Assert.Equal(first.All<ViberSendResult>().Select(r => r.MessageId), results.Take(6).Select(r => r.MessageId));
            Assert.All(results, r => Assert.Equal("2001", r.TemplateId));
            Assert.Contains(resumed.Information, i => i.Contains("4 sent") && i.Contains("6 from the journal"));
            var ledger = Accepted(OctopodsChannel.Viber);
            Assert.Equal(Enumerable.Range(1, 10), ledger.Keys.OrderBy(k => k));
            Assert.All(ledger, pair => Assert.Equal(1, pair.Value));
        }

        [Fact]
        public async Task Ctrl_C_stops_a_Viber_bulk_send_with_a_summary_and_the_resumed_run_sends_nothing_twice()
        {
            var journal = Journal("stop.jsonl");
            var posts = 0;
            var hung = new TaskCompletionSource<bool>();
            Server.Intercept = async ctx =>
            {
                var n = ctx.Request.Method == "POST" ? Interlocked.Increment(ref posts) : 0;
                if (n > 5)
                {
                    if (n == 7) hung.TrySetResult(true);   // both slots of the window now hang
                    return await RequestIntercepts.HangUntilAborted(ctx);
                }
                return false;
            };
            using var ps = Engine.CreatePowerShell($"{Rows(30)} | {Viber} -ThrottleLimit 2 -JournalPath '{journal}' -TotalCount 30");
            var invocation = ps.BeginInvoke();
            await hung.Task.WaitAsync(TimeSpan.FromSeconds(20));
            var watch = System.Diagnostics.Stopwatch.StartNew();
            ps.Stop();
            Assert.Throws<PipelineStoppedException>(() => ps.EndInvoke(invocation));
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(6), $"Stop took {watch.Elapsed}");
            var warning = Assert.Single(ps.Streams.Warning).Message;
            Assert.StartsWith("Send-OctopodsViberTemplate: stopped after", warning);
            Assert.Contains("5 sent", warning);
            Assert.Contains("2 unknown", warning);
            Assert.Contains(journal, warning);

            Server.Intercept = null;
            var resumed = Engine.Run($"{Rows(30)} | {Viber} -JournalPath '{journal}' -ThrottleLimit 8");
            Assert.Equal(2, resumed.Errors.Count);
            Assert.All(resumed.Errors, e => Assert.Equal("Octopods.OutcomeUnknown", Id(e)));
            var results = resumed.All<ViberSendResult>();
            Assert.Equal(28, results.Count);
            Assert.Equal(5, results.Count(r => r.FromJournal));
            var ledger = Accepted(OctopodsChannel.Viber);
            Assert.Equal(28, ledger.Count);
            Assert.All(ledger, pair => Assert.Equal(1, pair.Value));
        }

        [Fact]
        public void The_key_never_reaches_the_journal_or_any_stream_of_a_template_bulk_send()
        {
            var journal = Journal();
            var run = Engine.Run($"{Rows(5)} | {WhatsApp} -JournalPath '{journal}' -ThrottleLimit 3 -Verbose -Debug -TotalCount 5 -Wait -PollIntervalSeconds 0.2");
            run.AssertNoErrors();
            Assert.DoesNotContain(run.AllText(), t => t.Contains(Key) || t.Contains("SENTINEL"));
            Assert.DoesNotContain("SENTINEL", File.ReadAllText(journal));
        }
    }
}

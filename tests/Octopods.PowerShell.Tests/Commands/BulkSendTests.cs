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
using Octopods.Sms;
using Octopods.TestServer;
using Xunit;

namespace Octopods.PowerShell.Tests.Commands
{
    /// <summary>Send-OctopodsSms in bulk: the built module against the emulator on a loopback socket, on the wall clock.</summary>
    public class BulkSendTests : LoopbackModuleTests
    {
        private const string Key = "sk_live_BULKSENTINEL_42";

        private protected override EmulatorOptions Emulator => new EmulatorOptions
        {
            SentAfter = TimeSpan.FromMilliseconds(100),
            FinalAfter = TimeSpan.FromMilliseconds(300),
        };

        protected override string Connect(Uri baseUri) =>
            $"Connect-Octopods -ApiKey ([System.Net.NetworkCredential]::new('', '{Key}').SecurePassword) -BaseUri {baseUri}";

        /// <summary>Rows as Import-Csv would give them: To/Message columns, numbered.</summary>
        private static string Rows(int count, string extra = "") =>
            $"1..{count} | ForEach-Object {{ [pscustomobject]@{{ To = '+1415555' + (3000 + $_); Message = \"row $_\"{extra} }} }}";

        [Theory]
        [InlineData(1)]
        [InlineData(3)]
        public void A_status_command_polls_at_most_ThrottleLimit_messages_at_once(int throttle)
        {
            var sent = Engine.Run(Rows(9) + " | Send-OctopodsSms -ThrottleLimit 9");
            sent.AssertNoErrors();
            int inFlight = 0, peak = 0;
            Server.Intercept = async ctx =>
            {
                if (ctx.Request.Method != "GET") return false;
                var now = Interlocked.Increment(ref inFlight);
                lock (sent) peak = Math.Max(peak, now);
                await Task.Delay(30);
                Interlocked.Decrement(ref inFlight);
                return false;   // the emulator answers
            };

            var run = Engine.Run($"$args[0] | Get-OctopodsSmsStatus -Wait -PollIntervalSeconds 0.1 -ThrottleLimit {throttle}", (object)sent.Output.ToArray());

            run.AssertNoErrors();
            Assert.Equal(9, run.Output.Count);
            Assert.Equal(throttle, peak);
        }

        [Fact]
        public void Results_and_errors_keep_input_order_under_concurrency()
        {
            Server.Intercept = RequestIntercepts.RandomPostDelay(11);
            var run = Engine.Run(@"
                $rows = 1..40 | ForEach-Object {
                    if ($_ % 9 -eq 0) { [pscustomobject]@{ To = 'not a phone'; Message = ""row $_"" } }
                    else { [pscustomobject]@{ To = '+1415555' + (3000 + $_); Message = ""row $_"" } }
                }
                $rows | Send-OctopodsSms -ThrottleLimit 8 2>&1");
            Assert.Equal(40, run.Output.Count);
            for (var i = 1; i <= 40; i++)
            {
                var item = run.Output[i - 1].BaseObject;
                if (i % 9 == 0)
                {
                    var error = Assert.IsType<ErrorRecord>(item);
                    Assert.StartsWith("Octopods.PhoneInvalid,", error.FullyQualifiedErrorId);
                    Assert.Equal($"row {i}", ((PSObject)error.TargetObject).Properties["Message"].Value);
                }
                else
                {
                    Assert.Equal("+1415555" + (3000 + i), Assert.IsType<SmsSendResult>(item).PhoneNumber);
                }
            }
            var ledger = Server.Emulator.Ledger;
            Assert.Equal(36, ledger.Count);
            // The sends overlapped (acceptance order differs from input order), yet the output did not.
            Assert.NotEqual(ledger.OrderBy(s => int.Parse(s.Content.AsSpan(4), CultureInfo.InvariantCulture)).Select(s => s.MessageId), ledger.Select(s => s.MessageId));
        }

        [Fact]
        public void A_rate_limit_storm_mid_run_loses_and_duplicates_nothing()
        {
            Server.Emulator.Options.RateLimitPerSecond = 10;
            var run = Engine.Run(Rows(30) + " | Send-OctopodsSms -ThrottleLimit 16 -Verbose");
            run.AssertNoErrors();
            Assert.Equal(30, run.Output.Count);
            Assert.True(Server.Emulator.RequestCount > 30, "the emulator refused nothing");
            Assert.Contains(run.Verbose, v => v.Contains("429"));
            var contents = Server.Emulator.Ledger.Select(s => s.Content).OrderBy(c => c).ToList();
            Assert.Equal(Enumerable.Range(1, 30).Select(i => "row " + i).OrderBy(c => c), contents);
            Assert.Contains(run.Information, i => i.Contains("30 sent") && i.Contains("rate-limit pause"));
        }

        [Fact]
        public void Pacing_keeps_every_one_second_window_within_the_rate()
        {
            var run = Engine.Run(Rows(12) + " | Send-OctopodsSms -ThrottleLimit 8 -RatePerSecond 8");
            run.AssertNoErrors();
            var times = Server.Emulator.Ledger.Select(s => s.AcceptedAt).OrderBy(t => t).ToList();
            Assert.Equal(12, times.Count);
            var maxInWindow = times.Select((t, i) => times.Skip(i).TakeWhile(u => u - t < TimeSpan.FromSeconds(1)).Count()).Max();
            // Generous bounds (tests run in parallel; the figures belong to the benchmark): 8/s ideal, 1.38 s span.
            Assert.InRange(maxInWindow, 1, 10);
            Assert.True(times[11] - times[0] >= TimeSpan.FromSeconds(0.9), $"12 sends at 8/s took only {(times[11] - times[0]).TotalSeconds:0.00} s");
        }

        [Fact]
        public void A_resumed_run_skips_accepted_rows_retries_refused_ones_and_reports_unknown_ones()
        {
            var journal = Journal();
            var dropped = 0;
            Server.Intercept = ctx =>
            {
                if (ctx.Request.Method == "POST" && BodyOf(ctx).Contains("row 3") && Interlocked.Exchange(ref dropped, 1) == 0)
                {
                    ctx.Abort();   // the answer is lost: the client cannot know whether it went out
                    return Task.FromResult(true);
                }
                return Task.FromResult(false);
            };
            var rows = $@"@(
                [pscustomobject]@{{ To = '+14155553001'; Message = 'row 1' }}
                [pscustomobject]@{{ To = '{SandboxNumbers.ProviderError}'; Message = 'row 2' }}
                [pscustomobject]@{{ To = '+14155553003'; Message = 'row 3' }}
                [pscustomobject]@{{ To = '+14155553004'; Message = 'row 4' }}
                [pscustomobject]@{{ To = 'bad'; Message = 'row 5' }}
            )";
            var first = Engine.Run($"$rows = {rows}; $rows | Send-OctopodsSms -JournalPath '{journal}' -ThrottleLimit 4");
            Assert.Equal(2, first.Output.Count);
            Assert.Equal(new[] { "Octopods.ProviderError", "Octopods.OutcomeUnknown", "Octopods.PhoneInvalid" },
                first.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]));
            Assert.Equal(2, Server.Emulator.Ledger.Count);

            var second = Engine.Run($"$rows = {rows}; $rows | Send-OctopodsSms -JournalPath '{journal}' -Verbose");
            var results = second.All<SmsSendResult>();
            Assert.Equal(new[] { "+14155553001", "+14155553004" }, results.Select(r => r.PhoneNumber));
            Assert.All(results, r => Assert.True(r.FromJournal));
            Assert.Equal(first.All<SmsSendResult>().Select(r => r.MessageId), results.Select(r => r.MessageId));
            Assert.Equal(new[] { "Octopods.ProviderError", "Octopods.OutcomeUnknown", "Octopods.PhoneInvalid" },
                second.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]));
            Assert.Contains("-ResendUnknown", second.Errors[1].Exception.Message);
            Assert.Contains(second.Verbose, v => v.Contains("Resuming from the journal") && v.Contains("2 row(s) accepted earlier"));
            // Only the refused row went out again (and was refused again); the unknown row was not re-sent.
            Assert.Equal(2, Server.Emulator.Ledger.Count);
            Assert.Contains(second.Information, i => i.Contains("2 from the journal") && i.Contains("1 unknown"));

            var third = Engine.Run($"$rows = {rows}; $rows | Send-OctopodsSms -JournalPath '{journal}' -ResendUnknown");
            Assert.Equal(3, third.Output.Count);
            Assert.Equal(3, Server.Emulator.Ledger.Count);
            Assert.Equal("row 3", Server.Emulator.Ledger[2].Content);

            var text = File.ReadAllText(journal);
            Assert.DoesNotContain(Key, text);
            Assert.DoesNotContain("SENTINEL", text);
            Assert.DoesNotContain("row 1", text);   // the journal keeps hashes, not message text
        }

        [Fact]
        public void Wait_on_a_resumed_run_follows_the_journaled_messages_too()
        {
            var journal = Journal();
            Engine.Run(Rows(3) + $" | Send-OctopodsSms -JournalPath '{journal}'").AssertNoErrors();
            var run = Engine.Run(Rows(4) + $" | Send-OctopodsSms -JournalPath '{journal}' -Wait -PollIntervalSeconds 0.2 -TimeoutSeconds 30");
            run.AssertNoErrors();
            var results = run.All<SmsSendResult>();
            Assert.Equal(new[] { true, true, true, false }, results.Select(r => r.FromJournal));
            Assert.All(results, r => Assert.Equal("Delivered", r.Status));
            Assert.Equal(4, Server.Emulator.Ledger.Count);
        }

        [Fact]
        public void WhatIf_sends_nothing_and_writes_no_journal()
        {
            var journal = Journal();
            var run = Engine.Run(Rows(5) + $" | Send-OctopodsSms -JournalPath '{journal}' -WhatIf");
            run.AssertNoErrors();
            Assert.Empty(run.Output);
            Assert.Empty(Server.Requests);
            Assert.False(File.Exists(journal));
        }

        [Fact]
        public void Same_text_to_the_same_number_twice_is_two_rows_when_allowed_and_an_explicit_key_names_a_row()
        {
            var journal = Journal();
            var script = $@"@(
                [pscustomobject]@{{ To = '+14155553001'; Message = 'same' }}
                [pscustomobject]@{{ To = '+14155553001'; Message = 'same' }}
                [pscustomobject]@{{ To = '+14155553002'; Message = 'v1'; IdempotencyKey = 'order-7' }}
            ) | Send-OctopodsSms -JournalPath '{journal}' -AllowDuplicate";
            Engine.Run(script).AssertNoErrors();
            Assert.Equal(3, Server.Emulator.Ledger.Count);
            // Re-run with the text of the keyed row edited: the key, not the text, names the row.
            var again = Engine.Run(script.Replace("'v1'", "'v2'"));
            again.AssertNoErrors();
            Assert.All(again.All<SmsSendResult>(), r => Assert.True(r.FromJournal));
            Assert.Equal(3, Server.Emulator.Ledger.Count);
            Assert.DoesNotContain("order-7", File.ReadAllText(journal));
        }

        [Fact]
        public void Several_numbers_are_one_message_each_in_row_then_number_order_and_a_bad_one_is_its_own_error()
        {
            Server.Intercept = RequestIntercepts.RandomPostDelay(7);
            var run = Engine.Run(@"
                @(
                    [pscustomobject]@{ To = @('+14155553101', 'nonsense', '+14155553102'); Message = 'row 1' }
                    [pscustomobject]@{ To = '+14155553103;+14155553104, +14155553105'; Message = 'row 2' }
                    [pscustomobject]@{ To = '+14155553106'; Message = 'row 3' }
                ) | Send-OctopodsSms -ThrottleLimit 8 2>&1");
            var items = run.Output.Select(o => o.BaseObject).ToList();
            Assert.Equal(7, items.Count);
            var error = Assert.IsType<ErrorRecord>(items[1]);
            Assert.StartsWith("Octopods.PhoneInvalid,", error.FullyQualifiedErrorId);
            Assert.Contains("'nonsense'", error.Exception.Message);
            Assert.Equal("row 1", ((PSObject)error.TargetObject).Properties["Message"].Value);
            Assert.Equal(new[] { "+14155553101", "+14155553102", "+14155553103", "+14155553104", "+14155553105", "+14155553106" },
                items.OfType<SmsSendResult>().Select(r => r.PhoneNumber));
            Assert.Equal(6, Server.Emulator.Ledger.Count);
            var summary = Assert.Single(run.Information, i => i.StartsWith("Send-OctopodsSms:", StringComparison.Ordinal));
            Assert.Contains("7 row(s): 6 sent, 1 failed", summary);
        }

        [Fact]
        public void A_number_listed_twice_in_one_row_is_sent_once_and_verbose_says_so()
        {
            var run = Engine.Run("Send-OctopodsSms -To '+14155553201', '+1 415 555 3202', '+14155553201;+14155553202' -Body 'Disk full on db1' -Verbose");
            run.AssertNoErrors();
            Assert.Equal(new[] { "+14155553201", "+14155553202" }, run.All<SmsSendResult>().Select(r => r.PhoneNumber));
            Assert.Equal(2, Server.Emulator.Ledger.Count);
            Assert.Equal(2, run.Verbose.Count(v => v.Contains("listed more than once")));
        }

        [Fact]
        public void A_resumed_run_sends_only_the_numbers_of_a_row_not_accepted_before()
        {
            var journal = Journal();
            var refused = 0;
            Server.Intercept = async ctx =>
            {
                if (ctx.Request.Method != "POST" || !BodyOf(ctx).Contains("+14155553302") || Interlocked.Exchange(ref refused, 1) != 0) return false;
                // Certainly refused: safe to send again.
                ctx.Response.StatusCode = 400;
                ctx.Response.ContentType = "application/json";
                await ctx.Response.WriteAsync("{\"request_id\":\"req_test\",\"error_code\":5,\"error\":\"Destination phone number is invalid. Use the E.164 format.\"}");
                return true;
            };
            var rows = "[pscustomobject]@{ To = @('+14155553301', '+14155553302', '+14155553303'); Message = 'Disk full on db1' }";
            var first = Engine.Run($"{rows} | Send-OctopodsSms -JournalPath '{journal}' -ThrottleLimit 4");
            Assert.Equal(new[] { "+14155553301", "+14155553303" }, first.All<SmsSendResult>().Select(r => r.PhoneNumber));
            Assert.Single(first.Errors);
            Assert.Equal(2, Server.Emulator.Ledger.Count);

            var second = Engine.Run($"{rows} | Send-OctopodsSms -JournalPath '{journal}' -ThrottleLimit 4");
            second.AssertNoErrors();
            var results = second.All<SmsSendResult>();
            Assert.Equal(new[] { "+14155553301", "+14155553302", "+14155553303" }, results.Select(r => r.PhoneNumber));
            Assert.Equal(new[] { true, false, true }, results.Select(r => r.FromJournal));
            Assert.Equal(3, Server.Emulator.Ledger.Count);

            // A third run has every number in the journal: nothing is sent twice.
            var third = Engine.Run($"{rows} | Send-OctopodsSms -JournalPath '{journal}'");
            third.AssertNoErrors();
            Assert.All(third.All<SmsSendResult>(), r => Assert.True(r.FromJournal));
            Assert.Equal(3, Server.Emulator.Ledger.Count);
            Assert.Equal(new[] { "+14155553301", "+14155553302", "+14155553303" }, Server.Emulator.Ledger.Select(l => l.DestinationPhone).OrderBy(d => d, StringComparer.Ordinal));
        }

        [Fact]
        public void An_idempotency_key_on_a_row_of_several_numbers_names_one_message_per_number()
        {
            var journal = Journal();
            var script = $@"@(
                [pscustomobject]@{{ To = '+14155553401;+14155553402'; Message = 'v1'; IdempotencyKey = 'alert-9' }}
                [pscustomobject]@{{ To = '+14155553403'; Message = 'v1'; IdempotencyKey = 'alert-10' }}
            ) | Send-OctopodsSms -JournalPath '{journal}'";
            var first = Engine.Run(script);
            first.AssertNoErrors();
            Assert.Equal(3, first.Output.Count);
            Assert.Equal(3, Server.Emulator.Ledger.Count);
            // The text edited and a number added: the key still names the first two, so only the new one goes out.
            var again = Engine.Run(script.Replace("'v1'", "'v2'").Replace("+14155553402'", "+14155553402;+14155553404'"));
            again.AssertNoErrors();
            Assert.Equal(new[] { true, true, false, true }, again.All<SmsSendResult>().Select(r => r.FromJournal));
            Assert.Equal(new[] { "+14155553401", "+14155553402", "+14155553404", "+14155553403" }, again.All<SmsSendResult>().Select(r => r.PhoneNumber));
            Assert.Equal(4, Server.Emulator.Ledger.Count);
            Assert.DoesNotContain("alert-9", File.ReadAllText(journal));
        }

        [Fact]
        public void Wait_follows_every_number_of_a_list()
        {
            var run = Engine.Run("$onCall = '+14155553501', '+14155553502'; Send-OctopodsSms -To $onCall -Body 'Disk full on db1' -Wait -PollIntervalSeconds 0.2 -TimeoutSeconds 30");
            run.AssertNoErrors();
            var results = run.All<SmsSendResult>();
            Assert.Equal(new[] { "+14155553501", "+14155553502" }, results.Select(r => r.PhoneNumber));
            Assert.All(results, r => Assert.Equal("Delivered", r.Status));
        }

        [Fact]
        public void Progress_shows_rows_errors_rate_and_percent_with_TotalCount_and_a_summary_ends_the_run()
        {
            Server.Latency = TimeSpan.FromMilliseconds(30);
            var run = Engine.Run(Rows(30) + " | Send-OctopodsSms -ThrottleLimit 2 -TotalCount 30");
            run.AssertNoErrors();
            var bars = run.Progress.Where(p => p.Activity == "Sending SMS" && p.RecordType == ProgressRecordType.Processing).ToList();
            Assert.NotEmpty(bars);
            Assert.Contains(bars, p => p.PercentComplete > 0 && p.PercentComplete <= 100 && p.StatusDescription.Contains("of 30 message(s) done") && p.StatusDescription.Contains("messages/s"));
            Assert.Contains(run.Progress, p => p.Activity == "Sending SMS" && p.RecordType == ProgressRecordType.Completed);
            var summary = Assert.Single(run.Information, i => i.StartsWith("Send-OctopodsSms:", StringComparison.Ordinal));
            Assert.Contains("30 row(s): 30 sent, 0 failed, 0 from the journal, 0 unknown", summary);
        }

        [Fact]
        public async Task Ctrl_C_stops_promptly_and_reports_sent_failed_and_not_attempted()
        {
            var journal = Journal();
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
            using var ps = Engine.CreatePowerShell(Rows(50) + $" | Send-OctopodsSms -ThrottleLimit 2 -JournalPath '{journal}' -TotalCount 50");
            var invocation = ps.BeginInvoke();
            await hung.Task.WaitAsync(TimeSpan.FromSeconds(20));
            var watch = System.Diagnostics.Stopwatch.StartNew();
            ps.Stop();
            Assert.Throws<PipelineStoppedException>(() => ps.EndInvoke(invocation));
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(6), $"Stop took {watch.Elapsed}");
            var warning = Assert.Single(ps.Streams.Warning).Message;
            Assert.Contains("stopped after", warning);
            Assert.Contains("5 sent", warning);
            Assert.Contains("2 unknown", warning);          // the two hung on the wire
            Assert.Contains("row(s) not read", warning);
            Assert.Contains(journal, warning);
            // The journal is released and says what happened: the resumed run sends nothing twice.
            Server.Intercept = null;
            var resumed = Engine.Run(Rows(50) + $" | Send-OctopodsSms -JournalPath '{journal}' -ThrottleLimit 8");
            Assert.Equal(2, resumed.Errors.Count);
            Assert.All(resumed.Errors, e => Assert.StartsWith("Octopods.OutcomeUnknown", e.FullyQualifiedErrorId));
            Assert.Equal(48, resumed.Output.Count);
            var ledger = Server.Emulator.Ledger.Select(s => s.Content).ToList();
            Assert.Equal(ledger.Count, ledger.Distinct().Count());
            Assert.Equal(48, ledger.Count);
        }

        [Fact]
        public void The_key_never_reaches_the_journal_or_any_stream()
        {
            var journal = Journal();
            var run = Engine.Run(Rows(5) + $" | Send-OctopodsSms -JournalPath '{journal}' -ThrottleLimit 3 -Verbose -Debug -TotalCount 5");
            run.AssertNoErrors();
            Assert.DoesNotContain(run.AllText(), t => t.Contains(Key) || t.Contains("SENTINEL"));
            Assert.DoesNotContain("SENTINEL", File.ReadAllText(journal));
        }
    }
}

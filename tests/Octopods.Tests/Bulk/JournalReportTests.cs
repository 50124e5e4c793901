using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Octopods.Bulk;
using Octopods.Errors;
using Octopods.Http;
using Octopods.Sandbox;
using Octopods.Sms;
using Octopods.TestServer;
using Octopods.Time;
using Octopods.WhatsApp;
using Xunit;

namespace Octopods.Tests.Bulk
{
    /// <summary>Reading a bulk run's journal back as a report (Get-OctopodsSendReport), and refreshing it over loopback.</summary>
    public sealed class JournalReportTests : IDisposable
    {
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "octopods-report-" + Guid.NewGuid().ToString("N"));

        public JournalReportTests() => Directory.CreateDirectory(_dir);

        public void Dispose() => Directory.Delete(_dir, recursive: true);

        private const string Header = "{\"type\":\"octopods-journal\",\"version\":1,\"created\":\"2026-05-01T20:00:00Z\"}\n{\"type\":\"run\",\"version\":1,\"at\":\"2026-05-01T20:00:00Z\"}\n";
        private static readonly string A = new string('a', 64), B = new string('b', 64), C = new string('c', 64), D = new string('d', 64);

        private string Write(string name, string text)
        {
            var path = Path.Combine(_dir, name);
            File.WriteAllText(path, text);
            return path;
        }

        private static string Intent(string row, string to, string channel = "Sms", string at = "2026-05-01T20:00:01Z") =>
            $"{{\"type\":\"intent\",\"row\":\"{row}\",\"seq\":0,\"channel\":\"{channel}\",\"to\":\"{to}\",\"attempt\":1,\"at\":\"{at}\"}}\n";

        [Fact]
        public void Reads_accepted_failed_and_unknown_rows_in_journal_order()
        {
            var path = Write("mixed.jsonl", Header +
                Intent(A, "+14155550100") + Intent(B, "+15005550003") + Intent(C, "+14155550102") + Intent(D, "+14155550103", "Viber") +
                $"{{\"type\":\"sent\",\"row\":\"{A}\",\"message_id\":\"msg_1\",\"request_id\":\"req_1\",\"to\":\"+14155550100\",\"at\":\"2026-05-01T20:00:02Z\"}}\n" +
                $"{{\"type\":\"failed\",\"row\":\"{B}\",\"error\":\"ProviderError\",\"message\":\"The provider refused the message\",\"request_id\":\"req_2\",\"at\":\"2026-05-01T20:00:02Z\"}}\n" +
                $"{{\"type\":\"sent\",\"row\":\"{D}\",\"message_id\":\"vb_4\",\"to\":\"+14155550103\",\"at\":\"2026-05-01T20:00:03Z\"}}\n");
            // C has an intent and nothing after it: the run died while it was on the wire.

            var report = JournalReport.Read(path);

            Assert.Equal(new[] { A, B, C, D }, report.Rows.Select(r => r.RowKey));
            Assert.Equal(new[] { JournalState.Accepted, JournalState.Failed, JournalState.Unknown, JournalState.Accepted }, report.Rows.Select(r => r.Outcome));
            var accepted = report.Rows[0];
            Assert.Equal(("msg_1", "+14155550100", OctopodsChannel.Sms, "req_1"), (accepted.MessageId, accepted.Destination, accepted.Channel, accepted.RequestId));
            Assert.Null(accepted.Reason);
            Assert.Null(accepted.Status);
            Assert.Equal(new DateTimeOffset(2026, 5, 1, 20, 0, 2, TimeSpan.Zero), accepted.RecordedAt);
            var failed = report.Rows[1];
            Assert.Equal(("Octopods.ProviderError", "The provider refused the message", "+15005550003"), (failed.Reason, failed.ReasonMessage, failed.Destination));
            Assert.Null(failed.MessageId);
            var unknown = report.Rows[2];
            Assert.Equal("Octopods.OutcomeUnknown", unknown.Reason);
            Assert.Equal(JournalReport.IntentOnly, unknown.ReasonMessage);
            Assert.Equal("+14155550102", unknown.Destination);
            Assert.Contains("-ResendUnknown", unknown.Note);
            var viber = report.Rows[3];
            Assert.Equal(OctopodsChannel.Viber, viber.Channel);
            Assert.Equal(JournalReport.NoStatusEndpoint, viber.Note);
            Assert.Equal(0, report.SkippedLines);
        }

        [Fact]
        public void Terminal_controls_in_a_hostile_journal_never_reach_the_report()
        {
            // ESC sequences (clear the screen, retitle the window), NUL, CR/LF: written by hand into the file.
            var path = Write("hostile.jsonl", Header + Intent(A, "+14155550100\\u001b[2J") +
                $"{{\"type\":\"sent\",\"row\":\"{A}\",\"message_id\":\"msg\\r\\n1\\u0000\",\"request_id\":\"\\u001b]0;owned\\u0007\",\"at\":\"2026-05-01T20:00:02Z\"}}\n" +
                Intent(B, "+14155550101") +
                $"{{\"type\":\"failed\",\"row\":\"{B}\",\"error\":\"ProviderError\\u009b31m\",\"message\":\"line one\\r\\nline two\\u001b[0m\",\"at\":\"2026-05-01T20:00:02Z\"}}\n");
            var rows = JournalReport.Read(path).Rows;
            foreach (var row in rows)
                foreach (var text in new[] { row.Destination, row.MessageId, row.RequestId, row.Reason, row.ReasonMessage })
                    Assert.DoesNotContain(text ?? "", c => char.IsControl(c) && c != '\n');
            Assert.Equal("msg\uFFFD\uFFFD1\uFFFD", rows[0].MessageId);
            Assert.Equal("line one\nline two\uFFFD[0m", rows[1].ReasonMessage);   // a message keeps its line break
        }

        [Fact]
        public void The_last_state_of_a_row_wins_across_resumed_runs_and_accepted_stays_accepted()
        {
            var path = Write("resumed.jsonl", Header +
                Intent(A, "+14155550100") + $"{{\"type\":\"unknown\",\"row\":\"{A}\",\"error\":\"Timeout\",\"message\":\"No answer in 30 s\",\"at\":\"2026-05-01T20:00:31Z\"}}\n" +
                Intent(B, "+14155550101") + $"{{\"type\":\"failed\",\"row\":\"{B}\",\"error\":\"RateLimited\",\"message\":\"429\",\"at\":\"2026-05-01T20:00:32Z\"}}\n" +
                "{\"type\":\"run\",\"version\":1,\"at\":\"2026-05-02T08:00:00Z\"}\n" +
                // The resumed run (-ResendUnknown) sends A again, and B, which failed certainly.
                Intent(A, "+14155550100", at: "2026-05-02T08:00:01Z") + $"{{\"type\":\"sent\",\"row\":\"{A}\",\"message_id\":\"msg_9\",\"at\":\"2026-05-02T08:00:02Z\"}}\n" +
                Intent(B, "+14155550101", at: "2026-05-02T08:00:01Z") + $"{{\"type\":\"sent\",\"row\":\"{B}\",\"message_id\":\"msg_10\",\"at\":\"2026-05-02T08:00:02Z\"}}\n" +
                // Nothing undoes an acceptance.
                $"{{\"type\":\"failed\",\"row\":\"{B}\",\"error\":\"ProviderError\",\"at\":\"2026-05-02T08:00:03Z\"}}\n");

            var rows = JournalReport.Read(path).Rows;

            Assert.Equal(new[] { A, B }, rows.Select(r => r.RowKey));
            Assert.All(rows, r => Assert.Equal(JournalState.Accepted, r.Outcome));
            Assert.Equal(new[] { "msg_9", "msg_10" }, rows.Select(r => r.MessageId));
            Assert.All(rows, r => Assert.Null(r.Reason));
            // The destination of the sent record's intent is kept when the sent record does not repeat it.
            Assert.Equal("+14155550100", rows[0].Destination);
            Assert.Equal(new DateTimeOffset(2026, 5, 2, 8, 0, 2, TimeSpan.Zero), rows[0].RecordedAt);
        }

        [Fact]
        public void A_later_run_of_the_same_input_row_replaces_what_was_not_sent_but_never_what_may_have_gone()
        {
            string Refused(long input, string to, string id) =>
                $"{{\"type\":\"refused\",\"channel\":\"Sms\",\"to\":\"{to}\",\"input\":{input},\"track\":{{\"CustomerId\":\"{id}\"}},\"error\":\"PhoneInvalid\",\"message\":\"bad\",\"at\":\"2026-05-01T20:00:01Z\"}}\n";
            string IntentAt(string row, long input, string to, string id) =>
                $"{{\"type\":\"intent\",\"row\":\"{row}\",\"seq\":0,\"channel\":\"Sms\",\"to\":\"{to}\",\"input\":{input},\"track\":{{\"CustomerId\":\"{id}\"}},\"at\":\"2026-05-01T20:00:01Z\"}}\n";
            var path = Write("rows.jsonl", Header +
                IntentAt(A, 1, "+14155550101", "C-1") + $"{{\"type\":\"sent\",\"row\":\"{A}\",\"message_id\":\"msg_1\"}}\n" +
                Refused(2, "555-0102", "C-2") +
                IntentAt(B, 3, "+14155550103", "C-3") + $"{{\"type\":\"failed\",\"row\":\"{B}\",\"error\":\"ProviderError\"}}\n" +
                IntentAt(C, 4, "+14155550104", "C-4") +   // no outcome: it may have gone out
                $"{{\"type\":\"not_attempted\",\"row\":\"{D}\",\"channel\":\"Sms\",\"to\":\"+14155550105\",\"input\":5}}\n" +
                "{\"type\":\"run\",\"version\":1,\"at\":\"2026-05-02T08:00:00Z\"}\n" +
                // The resume, after row 2's and row 3's numbers were fixed (so their rows have new names) and row 4's changed too.
                IntentAt(new string('f', 64), 2, "+14155550102", "C-2") + $"{{\"type\":\"sent\",\"row\":\"{new string('f', 64)}\",\"message_id\":\"msg_2\"}}\n" +
                IntentAt(new string('9', 64), 3, "+14155550113", "C-3") + $"{{\"type\":\"sent\",\"row\":\"{new string('9', 64)}\",\"message_id\":\"msg_3\"}}\n" +
                Refused(4, "555-0104", "C-4") +
                Refused(6, "555-0106", "C-6") +
                // Row D, not attempted at row 5 before, sent now from another place in the input.
                IntentAt(D, 9, "+14155550105", "C-9") + $"{{\"type\":\"sent\",\"row\":\"{D}\",\"message_id\":\"msg_5\"}}\n" +
                "{\"type\":\"run\",\"version\":1,\"at\":\"2026-05-03T08:00:00Z\"}\n" +
                // A run of another file whose row 6 is another customer: C-6's refusal is not its.
                Refused(6, "555-0206", "C-60"));

            var rows = JournalReport.Read(path).Rows;

            // Row 4's unknown outcome stays beside the later refusal: its message may have gone out.
            Assert.Equal(new long?[] { 1, 2, 3, 4, 4, 6, 6, 9 }, rows.Select(r => r.InputRow));
            Assert.Equal(new[] { JournalState.Accepted, JournalState.Accepted, JournalState.Accepted, JournalState.Unknown, JournalState.Refused, JournalState.Refused, JournalState.Refused, JournalState.Accepted },
                rows.Select(r => r.Outcome));
            Assert.Equal(new[] { "C-1", "C-2", "C-3", "C-4", "C-4", "C-6", "C-60", "C-9" }, rows.Select(r => r.Tracking?.Single().Value));
            Assert.Equal("555-0106", rows[5].Destination);
            Assert.Equal(("Octopods.PhoneInvalid", "bad"), (rows[5].Reason, rows[5].ReasonMessage));
            Assert.Equal("msg_5", rows[7].MessageId);

            // A row the run stopped before, and nothing after: it stays, saying how to send it.
            var stopped = JournalReport.Read(Write("stopped.jsonl", Header +
                $"{{\"type\":\"not_attempted\",\"row\":\"{D}\",\"channel\":\"Sms\",\"to\":\"+14155550105\",\"input\":5}}\n")).Rows;
            Assert.Equal(JournalState.NotAttempted, Assert.Single(stopped).Outcome);
            Assert.Contains("-JournalPath", stopped[0].Note);
        }

        [Fact]
        public void A_torn_last_line_is_skipped_and_counted_as_a_kill_leaves_it()
        {
            var path = Write("torn.jsonl", Header + Intent(A, "+14155550100") +
                $"{{\"type\":\"sent\",\"row\":\"{A}\",\"message_id\":\"msg_1\",\"at\":\"2026-05-01T20:00:02Z\"}}\n" +
                Intent(B, "+14155550101") + $"{{\"type\":\"sent\",\"row\":\"{B}\",\"mess");

            var report = JournalReport.Read(path);

            Assert.Equal(1, report.SkippedLines);
            Assert.True(report.OnlyTornLines);
            Assert.Equal(new[] { JournalState.Accepted, JournalState.Unknown }, report.Rows.Select(r => r.Outcome));
        }

        [Fact]
        public void A_damaged_line_in_the_middle_is_not_taken_for_a_kill()
        {
            var path = Write("damaged.jsonl", Header + Intent(A, "+14155550100") + "{not json\n" +
                $"{{\"type\":\"sent\",\"row\":\"{A}\",\"message_id\":\"msg_1\",\"at\":\"2026-05-01T20:00:02Z\"}}\n");

            var report = JournalReport.Read(path);

            Assert.Equal(1, report.SkippedLines);
            Assert.False(report.OnlyTornLines);
            Assert.Equal(JournalState.Accepted, Assert.Single(report.Rows).Outcome);
        }

        [Fact]
        public void A_device_that_never_ends_is_refused_at_once()
        {
            if (OperatingSystem.IsWindows() || !File.Exists("/dev/zero")) return;
            var ex = Assert.Throws<OctopodsException>(() => JournalReport.Read("/dev/zero"));
            Assert.Equal(ErrorNames.JournalUnavailable, ex.ErrorName);
            Assert.Contains("not an ordinary file", ex.Message);
            Assert.Empty(JournalReport.Read("/dev/null").Rows);   // an empty device reads as the empty file it looks like
        }

        [Fact]
        public void A_missing_file_a_csv_and_a_newer_format_are_named_errors_with_their_fix()
        {
            var missing = Assert.Throws<OctopodsException>(() => JournalReport.Read(Path.Combine(_dir, "absent.jsonl")));
            Assert.Equal(ErrorNames.JournalNotFound, missing.ErrorName);
            Assert.Contains("absent.jsonl", missing.Message);
            Assert.Contains("-JournalPath", missing.Message);

            var csv = Assert.Throws<OctopodsException>(() => JournalReport.Read(Write("input.csv", "To,Message\n+14155550100,hi\n")));
            Assert.Equal(ErrorNames.JournalNotRecognized, csv.ErrorName);
            Assert.Contains("not an Octopods journal", csv.Message);
            Assert.Contains("not the input CSV", csv.Message);

            var newer = Assert.Throws<OctopodsException>(() => JournalReport.Read(Write("newer.jsonl", "{\"type\":\"octopods-journal\",\"version\":7}\n")));
            Assert.Equal(ErrorNames.JournalNotRecognized, newer.ErrorName);
            Assert.Contains("format 7", newer.Message);

            var folder = Assert.Throws<OctopodsException>(() => JournalReport.Read(_dir));
            Assert.Equal(ErrorNames.JournalUnavailable, folder.ErrorName);

            // A journal whose first write a kill cut short holds nothing, and is no error.
            Assert.Empty(JournalReport.Read(Write("cut.jsonl", "{\"type\":\"octopods-jou")).Rows);
        }

        [Fact]
        public async Task Refresh_over_loopback_reads_each_accepted_message_once_and_leaves_the_rest()
        {
            var clock = new VirtualClock();
            await using var server = await EmulatorServer.StartAsync(new OctopodsEmulator(clock));
            var sms = new SmsApi(new OctopodsClient(new OctopodsClientOptions(OctopodsChannel.Sms, new ApiKey("k"), server.BaseUri) { Clock = clock }));
            var whatsApp = new WhatsAppApi(new OctopodsClient(new OctopodsClientOptions(OctopodsChannel.WhatsApp, new ApiKey("k"), server.BaseUri) { Clock = clock }));
            var path = Path.Combine(_dir, "campaign.jsonl");
            using (var journal = SendJournal.Open(path, new JournalOptions { Clock = clock }))
            {
                async Task Send(string row, string to)
                {
                    await journal.WriteIntentAsync(row, 0, OctopodsChannel.Sms, to);
                    try
                    {
                        var sent = await sms.SendAsync(SmsSendRequest.Create(to, "spring sale"), default);
                        await journal.WriteSentAsync(row, new JournalOutcome { MessageId = sent.MessageId, Destination = sent.PhoneNumber, Status = sent.Status });
                    }
                    catch (OctopodsException ex)
                    {
                        await journal.WriteFailureAsync(row, certain: true, ex);
                    }
                }
                await Send(A, "+14155550100");
                await Send(B, SandboxNumbers.Fails);
                await Send(C, SandboxNumbers.ProviderError);
                await journal.WriteIntentAsync(D, 3, OctopodsChannel.Sms, "+14155550103");   // a crash on the wire
            }
            clock.Advance(TimeSpan.FromSeconds(5));   // the sandbox's messages reach their final status
            var before = server.Requests.Count;

            var report = JournalReport.Read(path);
            var followable = JournalReport.Followable(report.Rows, OctopodsChannel.Sms);
            var failures = await JournalReport.RefreshAsync(followable, sms, 4, default);
            Assert.Empty(await JournalReport.RefreshAsync(JournalReport.Followable(report.Rows, OctopodsChannel.WhatsApp), whatsApp, 4, default));

            Assert.Empty(failures);
            Assert.Equal(2, followable.Count);
            Assert.Equal(2, server.Requests.Count - before);   // one GET per accepted message, none for the rest
            Assert.Equal(new[] { "Delivered", "Failed", null, null }, report.Rows.Select(r => r.Status));
            Assert.Equal(new[] { JournalState.Accepted, JournalState.Accepted, JournalState.Failed, JournalState.Unknown }, report.Rows.Select(r => r.Outcome));
            Assert.NotNull(report.Rows[0].DeliveredAt);
            Assert.NotNull(report.Rows[1].FailureReason);
            Assert.Equal("Octopods.ProviderError", report.Rows[2].Reason);
        }

        [Fact]
        public async Task A_status_that_cannot_be_read_leaves_a_note_and_is_returned()
        {
            var clock = new VirtualClock();
            await using var server = await EmulatorServer.StartAsync(new OctopodsEmulator(clock));
            var sms = new SmsApi(new OctopodsClient(new OctopodsClientOptions(OctopodsChannel.Sms, new ApiKey("k"), server.BaseUri) { Clock = clock }));
            var rows = new[] { new SendReportRow { RowKey = A, Channel = OctopodsChannel.Sms, Outcome = JournalState.Accepted, MessageId = "msg_sbx_99999999" } };

            var failures = await JournalReport.RefreshAsync(rows, sms, 1, default);

            var (row, error) = Assert.Single(failures);
            Assert.Same(rows[0], row);
            Assert.Null(row.Status);
            Assert.StartsWith("The status could not be read: ", row.Note);
            Assert.Contains(error.Message, row.Note);
        }
    }
}

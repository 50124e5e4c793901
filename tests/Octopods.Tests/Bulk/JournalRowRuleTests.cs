using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Octopods.Bulk;
using Octopods.Errors;
using Octopods.FlowControl;
using Octopods.Templates;
using Octopods.Text;
using Octopods.Time;
using Xunit;

namespace Octopods.Tests.Bulk
{
    /// <summary>A resume never sends again because the rule that names rows, or the text's form, changed.</summary>
    public sealed class JournalRowRuleTests : IDisposable
    {
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "octopods-rule-" + Guid.NewGuid().ToString("N"));

        public JournalRowRuleTests() => Directory.CreateDirectory(_dir);

        public void Dispose()
        {
            try { Directory.Delete(_dir, true); } catch (IOException) { }
        }

        private static JournalOptions By(RowRule rule) => new JournalOptions { RowRule = rule };

        /// <summary>A journal whose run named one row by <paramref name="rule"/>.</summary>
        private string JournalWithARow(RowRule rule)
        {
            var path = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".jsonl");
            using var journal = SendJournal.Open(path, By(rule));
            journal.WriteIntentAsync("row1", 0, OctopodsChannel.Sms, "+14155550100").GetAwaiter().GetResult();
            journal.WriteSentAsync("row1", new JournalOutcome { MessageId = "m1" }).GetAwaiter().GetResult();
            return path;
        }

        [Theory]
        [InlineData("content", "column:OrderId")]         // a key added
        [InlineData("column:OrderId", "content")]         // a key removed
        [InlineData("column:OrderId", "column:CustomerId")]   // another column
        [InlineData("column:OrderId", "script:$_.OrderId")]   // the same column, another rule
        public void A_resume_under_another_rule_is_refused_and_leaves_the_journal_untouched(string recorded, string asked)
        {
            var path = JournalWithARow(RowRule.Parse(recorded)!);
            var before = File.ReadAllBytes(path);
            var ex = Assert.Throws<OctopodsException>(() => SendJournal.Open(path, By(RowRule.Parse(asked)!)));
            Assert.Equal(ErrorNames.JournalRuleChanged, ex.ErrorName);
            Assert.Contains(RowRule.Parse(recorded)!.Describe(), ex.Message);
            Assert.Contains(RowRule.Parse(asked)!.Describe(), ex.Message);
            Assert.Contains("Resume with " + RowRule.Parse(recorded)!.Describe(), ex.Fix);
            Assert.Equal(before, File.ReadAllBytes(path));
        }

        [Fact]
        public void The_same_rule_resumes_and_a_column_name_is_taken_in_any_case()
        {
            var path = JournalWithARow(RowRule.Column("OrderId"));
            using (var journal = SendJournal.Open(path, By(RowRule.Column("orderid")))) Assert.Equal(JournalState.Accepted, journal.Find("row1")!.State);
            // The resume was a run of this rule on a journal with rows: still only that rule.
            Assert.Throws<OctopodsException>(() => SendJournal.Open(path, By(RowRule.Content)));
        }

        [Fact]
        public async Task A_run_that_named_no_row_does_not_bind_the_journal_to_its_rule()
        {
            var path = Path.Combine(_dir, "empty-run.jsonl");
            using (SendJournal.Open(path, By(RowRule.Column("OrderId")))) { }   // every row refused before sending, say
            using (var journal = SendJournal.Open(path, By(RowRule.Content)))
                await journal.WriteIntentAsync("row1", 0, OctopodsChannel.Sms, "+14155550100");
            Assert.Equal(ErrorNames.JournalRuleChanged,
                Assert.Throws<OctopodsException>(() => SendJournal.Open(path, By(RowRule.Column("OrderId")))).ErrorName);
        }

        [Fact]
        public void A_journal_from_before_rules_were_recorded_takes_the_next_rule_and_then_keeps_it()
        {
            var path = Path.Combine(_dir, "old.jsonl");
            File.WriteAllText(path, "{\"type\":\"octopods-journal\",\"version\":1}\n{\"type\":\"run\",\"version\":1}\n" +
                "{\"type\":\"sent\",\"row\":\"row1\",\"message_id\":\"m1\"}\n");
            using (var journal = SendJournal.Open(path, By(RowRule.Script("$_.OrderId"))))
            {
                Assert.False(journal.ComparableContent);   // an old journal keeps naming content as it did
                Assert.NotNull(journal.Find("row1"));
            }
            Assert.Contains("\"rows_by\":\"script:$_.OrderId\"", File.ReadAllText(path), StringComparison.Ordinal);
            Assert.Equal(ErrorNames.JournalRuleChanged, Assert.Throws<OctopodsException>(() => SendJournal.Open(path, By(RowRule.Content))).ErrorName);
        }

        [Fact]
        public void A_script_rule_is_its_text_with_white_space_runs_as_one_space()
        {
            Assert.True(RowRule.Script(" $_.OrderId\n ").SameAs(RowRule.Script("$_.OrderId")));
            Assert.False(RowRule.Script("$_.OrderId").SameAs(RowRule.Script("$_.CustomerId")));
            Assert.Equal("-IdempotencyKey { $_.OrderId }", RowRule.Script("$_.OrderId").Describe());
            Assert.Equal("-IdempotencyKey OrderId (a column)", RowRule.Column("OrderId").Describe());
        }

        [Theory]
        [InlineData("Your order\r\nhas shipped", "Your order\nhas shipped")]
        [InlineData("Your order\rhas shipped", "Your order\nhas shipped")]
        [InlineData("Your order   \nhas shipped  ", "Your order\nhas shipped")]
        [InlineData("Caf\u0065\u0301 open", "Caf\u00e9 open")]   // decomposed é, as macOS writes it
        [InlineData("\tHello\t", "Hello")]
        public void Text_is_compared_as_a_reader_sees_it(string edited, string original) =>
            Assert.Equal(ComparableText.Of(original), ComparableText.Of(edited));

        [Theory]
        [InlineData("Your code is 1234", "Your code is 1235")]
        [InlineData("a b", "ab")]
        [InlineData("line\n\nbreak", "line\nbreak")]
        public void Text_a_reader_sees_differently_stays_different(string a, string b) =>
            Assert.NotEqual(ComparableText.Of(a), ComparableText.Of(b));

        [Fact]
        public void Template_variables_are_compared_as_a_reader_sees_them()
        {
            static string Content(params string[] body) => TemplateSendRequest.Create(OctopodsChannel.WhatsApp, "1001", "+14155550120",
                TemplateVariables.FromSections(null, body, null, null)).ComparableIdentityContent;
            Assert.Equal(Content("Ann", "Caf\u00e9"), Content("Ann \r\n", "Cafe\u0301"));
            Assert.NotEqual(Content("Ann", "Cafe"), Content("Ann", "Cafe!"));
        }

        private sealed class Sends
        {
            public int Count;
            public BulkOperation<(string To, string Body), string> Operation() =>
                new BulkOperation<(string To, string Body), string>(OctopodsChannel.Sms,
                    (row, context, ct) => { Interlocked.Increment(ref Count); return Task.FromResult("id:" + row.To); },
                    r => r.To, r => r.Body, id => new JournalOutcome { MessageId = id }, (r, e) => "journal:" + e.MessageId);
        }

        private static async Task<BulkRowKind[]> Run(string path, Sends sends, params (string, string)[] rows)
        {
            using var engine = new BulkSender<(string, string), string>(sends.Operation(), new BulkOptions { ThrottleLimit = 1, AllowDuplicates = true },
                new SendGate(SystemClock.Instance), SendJournal.Open(path, By(RowRule.Content)));
            foreach (var row in rows) engine.Submit(row, null);
            await engine.WaitAllDoneAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
            var kinds = new BulkRowKind[rows.Length];
            for (var i = 0; i < rows.Length; i++)
            {
                Assert.True(engine.TryTake(out var outcome));
                kinds[i] = outcome.Kind;
            }
            return kinds;
        }

        [Fact]
        public async Task A_csv_saved_again_with_other_line_ends_spaces_or_unicode_form_resumes_without_sending()
        {
            var path = Path.Combine(_dir, "campaign.jsonl");
            var first = new Sends();
            Assert.All(await Run(path, first, ("+14155550101", "Hello Ann,\nyour order shipped"), ("+14155550102", "Café opens at 9"),
                ("+14155550103", "Same text"), ("+14155550103", "Same text")), k => Assert.Equal(BulkRowKind.Sent, k));
            Assert.Equal(4, first.Count);

            var again = new Sends();
            var kinds = await Run(path, again, ("+14155550101", "Hello Ann, \r\nyour order shipped "), ("+14155550102", "Cafe\u0301 opens at 9".Normalize(NormalizationForm.FormD)),
                ("+14155550103", "Same text\r\n"), ("+14155550103", " Same text"), ("+14155550104", "A new row"));
            Assert.Equal(new[] { BulkRowKind.FromJournal, BulkRowKind.FromJournal, BulkRowKind.FromJournal, BulkRowKind.FromJournal, BulkRowKind.Sent }, kinds);
            Assert.Equal(1, again.Count);
            Assert.Contains("\"row_names\":2", File.ReadLines(path).First(), StringComparison.Ordinal);
        }
    }
}

using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Octopods.Bulk;
using Octopods.Errors;
using Xunit;

namespace Octopods.Tests.Bulk
{
    /// <summary>A journal belongs to its target: the sandbox or an address, and a key kept only as a salted fingerprint.</summary>
    public sealed class JournalTargetTests : IDisposable
    {
        private const string Key = "sk_live_JOURNALTARGET_91c2";
        private static readonly Uri Service = new Uri("https://app.octopods.io/");
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "octopods-target-" + Guid.NewGuid().ToString("N"));

        public JournalTargetTests() => Directory.CreateDirectory(_dir);

        public void Dispose()
        {
            try { Directory.Delete(_dir, true); } catch (IOException) { }
        }

        private static JournalOptions To(bool sandbox, Uri address, string key, bool accept = false) =>
            new JournalOptions { Target = new JournalTarget(sandbox, address, new ApiKey(key)), AcceptOtherTarget = accept };

        private string SandboxJournal()
        {
            var path = Path.Combine(_dir, "campaign.jsonl");
            using (var journal = SendJournal.Open(path, To(true, new Uri("http://127.0.0.1:1/"), "sandbox-key")))
                journal.WriteSentAsync("row1", new JournalOutcome { MessageId = "msg_sbx_00000001" }).GetAwaiter().GetResult();
            return path;
        }

        [Fact]
        public void A_journal_of_the_sandbox_is_refused_by_a_run_against_the_service_and_left_untouched()
        {
            var path = SandboxJournal();
            var before = File.ReadAllBytes(path);
            var ex = Assert.Throws<OctopodsException>(() => SendJournal.Open(path, To(false, Service, Key)));
            Assert.Equal(ErrorNames.JournalTargetMismatch, ex.ErrorName);
            Assert.Contains("the sandbox", ex.Message);
            Assert.Contains(Service.ToString(), ex.Message);
            Assert.Contains("-AcceptJournalTarget", ex.Fix);
            Assert.Equal(before, File.ReadAllBytes(path));
        }

        [Fact]
        public async Task Another_address_or_another_key_is_another_target_and_the_same_one_resumes()
        {
            var path = Path.Combine(_dir, "service.jsonl");
            using (var journal = SendJournal.Open(path, To(false, Service, Key)))
                await journal.WriteIntentAsync("row1", 0, OctopodsChannel.Sms, "+14155550100");   // may have gone out
            Assert.Equal(ErrorNames.JournalTargetMismatch,
                Assert.Throws<OctopodsException>(() => SendJournal.Open(path, To(false, new Uri("https://api.octopods.io/"), Key))).ErrorName);
            var rotated = Assert.Throws<OctopodsException>(() => SendJournal.Open(path, To(false, Service, Key + "x")));
            Assert.Contains("another key", rotated.Message);
            using (SendJournal.Open(path, To(false, Service, Key))) { }   // the same target resumes
            Assert.All(File.ReadLines(path).Where(l => l.Contains("\"type\":\"run\"", StringComparison.Ordinal)),
                l => Assert.Contains("\"target\":\"" + Service + "\"", l, StringComparison.Ordinal));
        }

        [Fact]
        public async Task A_journal_whose_runs_sent_nothing_is_taken_by_another_key()
        {
            // A run stopped at once by a refused key: its rows were refused or not attempted, none went out.
            var path = Path.Combine(_dir, "refused-key.jsonl");
            using (var journal = SendJournal.Open(path, To(false, Service, "sk_revoked")))
            {
                await journal.WriteIntentAsync("row1", 0, OctopodsChannel.Sms, "+14155550100");
                await journal.WriteFailureAsync("row1", true, new OctopodsException(ErrorNames.Unauthorized, OctopodsErrorKind.Authentication, "Unauthorized"));
                await journal.WriteUnsentAsync(JournalState.NotAttempted, "row2", OctopodsChannel.Sms, "+14155550101", null, null);
            }
            using (var resumed = SendJournal.Open(path, To(false, Service, Key)))
                Assert.Equal(JournalState.Failed, resumed.Find("row1")!.State);
            // Once a row went out with the new key, the journal is that key's: the old one is refused.
            using (var journal = SendJournal.Open(path, To(false, Service, Key)))
                await journal.WriteSentAsync("row1", new JournalOutcome { MessageId = "msg_1" });
            Assert.Equal(ErrorNames.JournalTargetMismatch,
                Assert.Throws<OctopodsException>(() => SendJournal.Open(path, To(false, Service, "sk_revoked"))).ErrorName);
        }

        [Fact]
        public void Accepting_the_target_uses_the_journal_and_records_the_new_target()
        {
            var path = SandboxJournal();
            using (var journal = SendJournal.Open(path, To(false, Service, Key, accept: true)))
                Assert.Equal(JournalState.Accepted, journal.Find("row1")!.State);
            using (SendJournal.Open(path, To(false, Service, Key))) { }   // now recorded as the service's
        }

        [Fact]
        public void The_key_is_kept_only_as_a_salted_fingerprint()
        {
            var first = Path.Combine(_dir, "a.jsonl");
            var second = Path.Combine(_dir, "b.jsonl");
            using (SendJournal.Open(first, To(false, Service, Key))) { }
            using (SendJournal.Open(second, To(false, Service, Key))) { }
            var text = File.ReadAllText(first) + File.ReadAllText(second);
            Assert.DoesNotContain(Key, text);
            Assert.DoesNotContain("JOURNALTARGET", text);
            string Mac(string path) => File.ReadLines(path).Single(l => l.Contains("\"key_mac\"")).Split("\"key_mac\":\"")[1].Substring(0, 32);
            Assert.NotEqual(Mac(first), Mac(second));   // the same key, two salts: nothing to match across journals
        }

        [Fact]
        public void A_journal_written_before_targets_were_recorded_is_still_resumed()
        {
            var path = Path.Combine(_dir, "old.jsonl");
            File.WriteAllText(path, "{\"type\":\"octopods-journal\",\"version\":1}\n{\"type\":\"run\",\"version\":1}\n" +
                                    "{\"type\":\"sent\",\"row\":\"r\",\"message_id\":\"m1\"}\n");
            using var journal = SendJournal.Open(path, To(false, Service, Key));   // no target recorded: nothing to refuse
            Assert.Equal(JournalState.Accepted, journal.Find("r")!.State);
        }
    }
}

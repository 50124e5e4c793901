using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Octopods.Bulk;
using Octopods.FlowControl;
using Octopods.Time;
using Xunit;

namespace Octopods.Tests.Bulk
{
    /// <summary>A leaked journal gives nothing away: rows named with the journal's own secret, and the file its owner's only.</summary>
    public sealed class JournalPrivacyTests : IDisposable
    {
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "octopods-privacy-" + Guid.NewGuid().ToString("N"));

        public JournalPrivacyTests() => Directory.CreateDirectory(_dir);

        public void Dispose()
        {
            try { Directory.Delete(_dir, true); } catch (IOException) { }
        }

        private static BulkOperation<(string To, string Body), string> Operation() =>
            new BulkOperation<(string To, string Body), string>(OctopodsChannel.Sms, (r, context, ct) => Task.FromResult("msg"),
                r => r.To, r => r.Body, id => new JournalOutcome { MessageId = id }, (r, e) => "journal");

        private static async Task<string> SendOneCode(string path)
        {
            using (var engine = new BulkSender<(string, string), string>(Operation(), new BulkOptions(), new SendGate(SystemClock.Instance), SendJournal.Open(path)))
            {
                engine.Submit(("+14155550123", "Your code is 123456"), null);
                await engine.WaitAllDoneAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
            }
            return File.ReadAllText(path);   // the run is over: the journal is closed
        }

        [Fact]
        public async Task A_one_time_code_cannot_be_found_from_its_row_name()
        {
            var first = await SendOneCode(Path.Combine(_dir, "a.jsonl"));
            var second = await SendOneCode(Path.Combine(_dir, "b.jsonl"));
            // What a brute force would compute: the unkeyed hash of every candidate code. It is not there.
            var unkeyed = RowIdentity.FromContent(OctopodsChannel.Sms, "+14155550123", "Your code is 123456");
            Assert.DoesNotContain(unkeyed, first);
            Assert.DoesNotContain(RowIdentity.FromComparableContent(OctopodsChannel.Sms, "+14155550123", "Your code is 123456", null), first);
            Assert.DoesNotContain("123456", first);
            string RowOf(string text) => text.Split('\n').First(l => l.Contains("\"type\":\"sent\"", StringComparison.Ordinal)).Split("\"row\":\"")[1].Substring(0, 64);
            Assert.NotEqual(RowOf(first), RowOf(second));   // each journal its own secret
            using var reopened = SendJournal.Open(Path.Combine(_dir, "a.jsonl"));
            Assert.Equal(RowOf(first), RowIdentity.FromComparableContent(OctopodsChannel.Sms, "+14155550123", "Your code is 123456", reopened.RowSecret));
            Assert.Equal(JournalState.Accepted, reopened.Find(RowOf(first))!.State);   // and a resume still finds it
        }

        [Fact]
        public void A_new_journal_is_readable_by_its_owner_only()
        {
            if (OperatingSystem.IsWindows()) return;   // under the profile, the owner-only ACL already applies
            var path = Path.Combine(_dir, "private.jsonl");
            using (SendJournal.Open(path)) { }
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }
}

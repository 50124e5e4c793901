using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Octopods.FlowControl;
using Octopods.Bulk;
using Octopods.Errors;
using Octopods.Http;
using Octopods.Time;
using Xunit;

namespace Octopods.Tests.Bulk
{
    public sealed class SendJournalTests : IDisposable
    {
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "octopods-journal-" + Guid.NewGuid().ToString("N"));
        private string PathOf(string name) => Path.Combine(_dir, name);

        /// <summary>A journal whose row "a" (to +1) was accepted as message m1.</summary>
        private async Task<string> JournalWithOneAcceptedRow(string name)
        {
            var path = PathOf(name);
            using var journal = SendJournal.Open(path);
            await journal.WriteIntentAsync("a", 0, OctopodsChannel.Sms, "+1");
            await journal.WriteSentAsync("a", new JournalOutcome { MessageId = "m1" });
            return path;
        }

        public void Dispose()
        {
            try { Directory.Delete(_dir, true); } catch (IOException) { }
        }

        [Fact]
        public void A_new_journal_starts_with_a_header_naming_it_and_its_format()
        {
            var path = PathOf("new.jsonl");
            using (SendJournal.Open(path)) { }
            var first = File.ReadLines(path).First();
            Assert.Contains("\"type\":\"octopods-journal\"", first);
            Assert.Contains("\"version\":" + SendJournal.FormatVersion, first);
            using (SendJournal.Open(path)) { }   // reopened: still one header, at the top
            Assert.Single(File.ReadLines(path), l => l.Contains("octopods-journal"));
        }

        [Theory]
        [InlineData("To,Message\n+14155552671,hello\n")]
        [InlineData("{\"type\":\"sent\",\"row\":\"x\"}\n")]
        [InlineData("not json at all")]
        public void A_file_that_is_not_a_journal_is_refused_untouched(string content)
        {
            var path = PathOf("customers.csv");
            Directory.CreateDirectory(_dir);
            File.WriteAllText(path, content);
            var written = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);
            File.SetLastWriteTimeUtc(path, written);

            var ex = Assert.Throws<OctopodsException>(() => SendJournal.Open(path));

            Assert.Equal(ErrorNames.JournalNotRecognized, ex.ErrorName);
            Assert.Contains("left untouched", ex.Message);
            Assert.Equal(content, File.ReadAllText(path));
            Assert.Equal(written, File.GetLastWriteTimeUtc(path));   // not even its time
            using (SendJournal.Open(path + ".jsonl")) { }   // and nothing keeps the refused file open
            File.Delete(path);
        }

        [Fact]
        public void A_journal_from_a_newer_format_is_refused_and_one_from_the_first_format_resumes()
        {
            Directory.CreateDirectory(_dir);
            var newer = PathOf("newer.jsonl");
            File.WriteAllText(newer, "{\"type\":\"octopods-journal\",\"version\":99}\n");
            Assert.Contains("newer than this module", Assert.Throws<OctopodsException>(() => SendJournal.Open(newer)).Message);

            var first = PathOf("first.jsonl");   // journals of the first release began with a "run" record
            File.WriteAllText(first, "{\"type\":\"run\",\"version\":1,\"at\":\"2026-11-20T10:00:00Z\"}\n{\"type\":\"sent\",\"row\":\"r1\",\"message_id\":\"m1\"}\n");
            using var journal = SendJournal.Open(first);
            Assert.Equal(JournalState.Accepted, journal.Find("r1")!.State);
        }

        [Fact]
        public void A_journal_path_that_cannot_be_a_file_is_a_named_error()
        {
            Directory.CreateDirectory(_dir);
            var file = PathOf("plain.txt");
            File.WriteAllText(file, "x");

            var underFile = Assert.Throws<OctopodsException>(() => SendJournal.Open(Path.Combine(file, "run.jsonl")));
            var folder = Assert.Throws<OctopodsException>(() => SendJournal.Open(_dir));

            Assert.Equal(ErrorNames.JournalUnavailable, underFile.ErrorName);
            Assert.Contains("cannot be used", underFile.Message);
            Assert.Equal(ErrorNames.JournalUnavailable, folder.ErrorName);
            Assert.Contains("it is a folder", folder.Message);
            if (File.Exists("/dev/full"))
                Assert.Equal(ErrorNames.JournalUnavailable, Assert.Throws<OctopodsException>(() => SendJournal.Open("/dev/full")).ErrorName);
        }

        [Theory]
        [InlineData("/dev/null")]   // keeps nothing: a resume would find no row and send them all again
        [InlineData("/dev/zero")]   // never ends
        public void A_device_is_refused_and_left_as_it_was(string device)
        {
            if (OperatingSystem.IsWindows() || !File.Exists(device)) return;
            var mode = File.GetUnixFileMode(device);
            var ex = Assert.Throws<OctopodsException>(() => SendJournal.Open(device));
            Assert.Equal(ErrorNames.JournalUnavailable, ex.ErrorName);
            Assert.Contains("not an ordinary file", ex.Message);
            Assert.Equal(mode, File.GetUnixFileMode(device));   // never made owner-only
        }

        [Fact]
        public async Task A_journal_saved_again_in_another_encoding_or_with_crlf_blank_lines_still_resumes()
        {
            var path = PathOf("resaved.jsonl");
            using (var journal = SendJournal.Open(path))
            {
                await journal.WriteIntentAsync("a", 0, OctopodsChannel.Sms, "+1");
                await journal.WriteSentAsync("a", new JournalOutcome { MessageId = "m1" });
                await journal.WriteIntentAsync("b", 1, OctopodsChannel.Sms, "+2");
                await journal.WriteFailureAsync("b", true, new OctopodsException(ErrorNames.ProviderError, OctopodsErrorKind.ProviderError, "Refus\u00e9"));
            }
            // An editor's CRLF and blank lines, and the failure's text saved as Latin-1 (one byte that is not UTF-8).
            var text = File.ReadAllText(path).Replace("\n", "\r\n\r\n", StringComparison.Ordinal);
            var bytes = Encoding.UTF8.GetBytes(text).ToList();
            var accent = Encoding.UTF8.GetBytes("\u00e9");
            var at = Enumerable.Range(0, bytes.Count - 1).First(i => bytes[i] == accent[0] && bytes[i + 1] == accent[1]);
            bytes.RemoveAt(at + 1);
            bytes[at] = 0xE9;
            File.WriteAllBytes(path, bytes.ToArray());

            using var reopened = SendJournal.Open(path);
            Assert.Equal(0, reopened.SkippedLines);
            Assert.Equal("m1", reopened.Find("a")!.MessageId);
            Assert.Equal("Refus\uFFFD", reopened.Find("b")!.Message);
        }

        [Fact]
        public void A_journal_whose_header_was_cut_while_it_was_created_opens_as_new()
        {
            Directory.CreateDirectory(_dir);
            var path = PathOf("cut-header.jsonl");
            File.WriteAllText(path, "{\"type\":\"octopods-jou");   // killed while writing the first line

            using (var journal = SendJournal.Open(path)) Assert.Empty(journal.Previous);

            Assert.StartsWith("{\"type\":\"octopods-journal\"", File.ReadLines(path).First());
        }

        [Fact]
        public void Lines_cut_short_by_a_kill_are_told_apart_from_damage()
        {
            Directory.CreateDirectory(_dir);
            var killed = PathOf("killed.jsonl");
            File.WriteAllText(killed, "{\"type\":\"octopods-journal\",\"version\":1}\n{\"type\":\"intent\",\"row\":\"a\",\"se");
            using (var journal = SendJournal.Open(killed)) Assert.True(journal.OnlyTornLines);
            using (var journal = SendJournal.Open(killed)) Assert.True(journal.OnlyTornLines);   // resumed twice: the torn line now sits before a run record

            var edited = PathOf("edited.jsonl");
            File.WriteAllText(edited, "{\"type\":\"octopods-journal\",\"version\":1}\nsomeone typed here\n{\"type\":\"sent\",\"row\":\"r\",\"message_id\":\"m\"}\n");
            using (var journal = SendJournal.Open(edited))
            {
                Assert.Equal(1, journal.SkippedLines);
                Assert.False(journal.OnlyTornLines);
            }
        }

        [Fact]
        public async Task Records_read_back_as_the_last_word_on_each_row()
        {
            var path = PathOf("a.jsonl");
            using (var journal = SendJournal.Open(path))
            {
                await journal.WriteIntentAsync("sent", 0, OctopodsChannel.Sms, "+1");
                await journal.WriteSentAsync("sent", new JournalOutcome { MessageId = "m1", RequestId = "r1", Destination = "+1" });
                await journal.WriteIntentAsync("pending", 1, OctopodsChannel.Sms, "+2");
                await journal.WriteIntentAsync("refused", 2, OctopodsChannel.Sms, "+3");
                await journal.WriteFailureAsync("refused", true, new OctopodsException(ErrorNames.ProviderError, OctopodsErrorKind.ProviderError, "no"));
                await journal.WriteIntentAsync("lost", 3, OctopodsChannel.Sms, "+4");
                await journal.WriteFailureAsync("lost", false, new OctopodsException(ErrorNames.OutcomeUnknown, OctopodsErrorKind.OutcomeUnknown, "timeout"));
                // Accepted is final: a later intent for the same row (a -ResendUnknown slip) cannot undo it.
                await journal.WriteIntentAsync("sent", 4, OctopodsChannel.Sms, "+1");
            }
            var entries = JournalFile.Read(path, out var skipped);
            Assert.Equal(0, skipped);
            Assert.Equal(JournalState.Accepted, entries["sent"].State);
            Assert.Equal("m1", entries["sent"].MessageId);
            Assert.Equal("r1", entries["sent"].RequestId);
            Assert.Equal(JournalState.Unknown, entries["pending"].State);
            Assert.Equal("+2", entries["pending"].Destination);
            Assert.Equal(JournalState.Failed, entries["refused"].State);
            Assert.Equal(JournalState.Unknown, entries["lost"].State);
            Assert.Equal("OutcomeUnknown", entries["lost"].Error);
        }

        [Fact]
        public async Task A_journal_saved_again_with_a_byte_order_mark_resumes()
        {
            var path = await JournalWithOneAcceptedRow("bom.jsonl");
            // As Notepad or Set-Content -Encoding utf8BOM would save it.
            File.WriteAllBytes(path, new byte[] { 0xEF, 0xBB, 0xBF }.Concat(File.ReadAllBytes(path)).ToArray());
            using var reopened = SendJournal.Open(path);
            Assert.Equal(0, reopened.SkippedLines);
            Assert.Equal("m1", reopened.Find("a")!.MessageId);
            Assert.NotNull(reopened.RowSecret);
        }

        [Fact]
        public async Task A_line_far_longer_than_any_record_is_skipped_without_being_read_whole()
        {
            var path = await JournalWithOneAcceptedRow("long.jsonl");
            using (var file = new FileStream(path, FileMode.Append))
            {
                var junk = new byte[1 << 20];
                Array.Fill(junk, (byte)'x');
                for (var i = 0; i < 80; i++) file.Write(junk, 0, junk.Length);   // one 80 MB line
                file.WriteByte((byte)'\n');
            }
            File.AppendAllText(path, "{\"type\":\"run\",\"version\":1}\n{\"type\":\"intent\",\"row\":\"b\",\"to\":\"+2\"}\n");
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            using var reopened = SendJournal.Open(path);
            Assert.True(GC.GetAllocatedBytesForCurrentThread() - allocated < 8 << 20, "the long line was held whole");
            Assert.Equal(1, reopened.SkippedLines);
            Assert.Equal(JournalState.Accepted, reopened.Find("a")!.State);
            Assert.Equal(JournalState.Unknown, reopened.Find("b")!.State);
        }

        [Fact]
        public async Task A_torn_last_line_is_skipped_and_new_records_still_read()
        {
            var path = await JournalWithOneAcceptedRow("torn.jsonl");
            File.AppendAllText(path, "{\"type\":\"intent\",\"row\":\"b\",\"se");   // killed mid-write
            using (var journal = SendJournal.Open(path))
            {
                Assert.Equal(1, journal.SkippedLines);
                Assert.Equal(JournalState.Accepted, journal.Find("a")!.State);
                Assert.Null(journal.Find("b"));
                await journal.WriteIntentAsync("c", 0, OctopodsChannel.Sms, "+3");
            }
            var entries = JournalFile.Read(path, out var skipped);
            Assert.Equal(1, skipped);
            Assert.Equal(JournalState.Unknown, entries["c"].State);
        }

        [Fact]
        public void A_journal_in_use_is_refused_with_a_named_error()
        {
            var path = PathOf("busy.jsonl");
            using var first = SendJournal.Open(path);
            var ex = Assert.Throws<OctopodsException>(() => SendJournal.Open(path));
            Assert.Equal(ErrorNames.JournalUnavailable, ex.ErrorName);
        }

        [Fact]
        public async Task After_a_failed_write_nothing_more_is_written_and_every_later_record_fails()
        {
            var path = PathOf("torn-write.jsonl");
            Task? queuedMeanwhile = null;
            SendJournal journal = null!;
            var tear = false;
            using (journal = SendJournal.Open(path, new JournalOptions { WriteBatch = (stream, buffer, count) =>
                {
                    if (!tear)
                    {
                        stream.Write(buffer, 0, count);
                        return;
                    }
                    var text = Encoding.UTF8.GetString(buffer, 0, count);
                    if (!text.Contains("\"row\":\"a\""))
                    {
                        stream.Write(buffer, 0, count);
                        return;
                    }
                    // Another worker queues its intent while this batch is being written...
                    queuedMeanwhile = journal.WriteIntentAsync("b", 2, OctopodsChannel.Sms, "+3");
                    // ...and the disk fills half-way through this one.
                    stream.Write(buffer, 0, count / 2);
                    throw new IOException("There is not enough space on the disk.");
                } }))
            {
                await journal.WriteIntentAsync("first", 0, OctopodsChannel.Sms, "+1");
                tear = true;
                var a = await Assert.ThrowsAsync<OctopodsException>(() => journal.WriteIntentAsync("a", 1, OctopodsChannel.Sms, "+2"));
                Assert.Equal(ErrorNames.JournalUnavailable, a.ErrorName);
                Assert.NotNull(queuedMeanwhile);
                // The record queued before the failure is not written after it: its row must not be sent.
                var b = await Assert.ThrowsAsync<OctopodsException>(() => queuedMeanwhile!);
                Assert.Equal(ErrorNames.JournalUnavailable, b.ErrorName);
                await Assert.ThrowsAsync<OctopodsException>(() => journal.WriteIntentAsync("c", 3, OctopodsChannel.Sms, "+4"));
            }
            var text = File.ReadAllText(path);
            Assert.DoesNotContain("\"row\":\"b\"", text);
            Assert.DoesNotContain("\"row\":\"c\"", text);
            Assert.Equal(JournalState.Unknown, JournalFile.Read(path, out _)["first"].State);
        }

        [Fact]
        public async Task Concurrent_writers_share_flushes_and_lose_nothing()
        {
            var path = PathOf("many.jsonl");
            using (var journal = SendJournal.Open(path))
            {
                await Task.WhenAll(Enumerable.Range(0, 500).Select(i => Task.Run(async () =>
                {
                    await journal.WriteIntentAsync("r" + i, i, OctopodsChannel.Sms, "+1");
                    await journal.WriteSentAsync("r" + i, new JournalOutcome { MessageId = "m" + i });
                })));
            }
            var entries = JournalFile.Read(path, out var skipped);
            Assert.Equal(0, skipped);
            Assert.Equal(500, entries.Count);
            Assert.All(entries.Values, e => Assert.Equal(JournalState.Accepted, e.State));
        }
    }
}

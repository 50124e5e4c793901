using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using Octopods.Errors;
using Octopods.OptOuts;
using Xunit;

namespace Octopods.Tests.OptOuts
{
    /// <summary>The opt-out list and its file: what blocks what, one form per number, strict reading, whole writes.</summary>
    public sealed class OptOutListTests : IDisposable
    {
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "octopods-optouts-" + Guid.NewGuid().ToString("N"));

        public OptOutListTests() => Directory.CreateDirectory(_dir);

        public void Dispose() => Directory.Delete(_dir, recursive: true);

        private static OptOutEntry Entry(string number, OptOutChannel channel) =>
            new OptOutEntry { PhoneNumber = number, Channel = channel, OptedOutAt = new DateTimeOffset(2026, 11, 2, 0, 0, 0, TimeSpan.Zero), Source = "manual" };

        [Fact]
        public void An_entry_blocks_its_channel_and_one_for_all_blocks_every_channel()
        {
            var list = new OptOutList();
            Assert.True(list.Add(Entry("+14155550100", OptOutChannel.WhatsApp)));
            Assert.True(list.Add(Entry("+14155550101", OptOutChannel.All)));
            Assert.False(list.Add(Entry("+14155550100", OptOutChannel.WhatsApp)));   // listed once
            Assert.NotNull(list.Blocking("+14155550100", OctopodsChannel.WhatsApp));
            Assert.Null(list.Blocking("+14155550100", OctopodsChannel.Sms));
            foreach (var channel in new[] { OctopodsChannel.Sms, OctopodsChannel.WhatsApp, OctopodsChannel.Viber })
                Assert.Equal(OptOutChannel.All, list.Blocking("+14155550101", channel)!.Channel);
        }

        [Fact]
        public void A_number_written_with_a_trunk_zero_is_the_same_number()
        {
            var list = new OptOutList();
            list.Add(Entry("+4407911123456", OptOutChannel.All));
            Assert.Equal("+447911123456", list.Entries.Single().PhoneNumber);
            Assert.NotNull(list.Blocking("+447911123456", OctopodsChannel.Sms));
            Assert.NotNull(list.Blocking("+4407911123456", OctopodsChannel.Sms));
        }

        [Fact]
        public void The_file_is_written_whole_owner_only_and_keeps_each_removal_with_its_consent()
        {
            var path = Path.Combine(_dir, "optouts.json");
            OptOutFile.Update(path, list => (list.Add(Entry("+14155550102", OptOutChannel.Sms)), true));
            var removed = OptOutFile.Update(path, list =>
            {
                var entry = list.Remove("+14155550102", OptOutChannel.Sms, "Signed consent, ticket 4411", DateTimeOffset.UtcNow, "ann");
                return (entry, entry != null);
            });
            Assert.NotNull(removed);
            var read = OptOutFile.Load(path);
            Assert.Empty(read.Entries);
            var removal = Assert.Single(read.Removals);
            Assert.Equal(("+14155550102", "Signed consent, ticket 4411", "ann"), (removal.Entry.PhoneNumber, removal.Reason, removal.By));
            Assert.Equal(new[] { "optouts.json", "optouts.json.lock" }, Directory.GetFiles(_dir).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal));
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        [Theory]
        [InlineData("Phone,Reason\n+14155550103,STOP")]                                                                           // a CSV given by mistake
        [InlineData("{\"type\":\"octopods-optouts\",\"entries\":{}}")]                                                            // entries not a list
        [InlineData("{\"type\":\"octopods-optouts\",\"entries\":[{\"channel\":\"Sms\",\"opted_out_at\":\"2026-11-02\"}]}")]        // no number
        [InlineData("{\"type\":\"octopods-optouts\",\"entries\":[{\"phone\":\"4155550103\",\"channel\":\"Sms\",\"opted_out_at\":\"2026-11-02\"}]}")]
        [InlineData("{\"type\":\"octopods-optouts\",\"entries\":[{\"phone\":\"+14155550103\",\"channel\":\"5\",\"opted_out_at\":\"2026-11-02\"}]}")]
        [InlineData("{\"type\":\"octopods-optouts\",\"entries\":[{\"phone\":\"+14155550103\",\"channel\":\"Sms,WhatsApp\",\"opted_out_at\":\"2026-11-02\"}]}")]
        [InlineData("{\"type\":\"octopods-optouts\",\"entries\":[{\"phone\":\"+14155550103\",\"channel\":\"Sms\",\"opted_out_at\":99999999999999999}]}")]
        [InlineData("{\"type\":\"octopods-optouts\",\"version\":\"2\"}")]
        public void A_damaged_list_is_refused_whole_and_left_untouched(string text)
        {
            var path = Path.Combine(_dir, "optouts.json");
            File.WriteAllText(path, text, new UTF8Encoding(false));
            var ex = Assert.Throws<OctopodsException>(() => OptOutFile.Load(path));
            Assert.Equal(ErrorNames.OptOutFileInvalid, ex.ErrorName);
            Assert.Contains(path, ex.Message, StringComparison.Ordinal);
            Assert.Throws<OctopodsException>(() => OptOutFile.Update(path, list => (0, true)));
            Assert.Equal(text, File.ReadAllText(path));
        }

        [Fact]
        public void No_file_in_a_missing_folder_is_an_empty_list_and_a_folder_in_its_place_is_an_error()
        {
            Assert.Equal(0, OptOutFile.Load(Path.Combine(_dir, "new", "optouts.json")).Count);
            Assert.Equal(ErrorNames.OptOutFileInvalid, Assert.Throws<OctopodsException>(() => OptOutFile.Load(_dir)).ErrorName);
        }
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using Octopods.Errors;
using Octopods.Json;
using Octopods.Phones;

namespace Octopods.OptOuts
{
    /// <summary>
    /// The numbers that opted out, and the record of those removed (with the reason: the written
    /// consent that allows sending again). Kept by <see cref="OptOutFile"/>; looked up by every send.
    /// </summary>
    internal sealed class OptOutList
    {
        public const string HeaderType = "octopods-optouts";

        private readonly Dictionary<(string Number, OptOutChannel Channel), OptOutEntry> _entries =
            new Dictionary<(string, OptOutChannel), OptOutEntry>();
        private readonly List<OptOutRemoval> _removals = new List<OptOutRemoval>();

        public int Count => _entries.Count;

        /// <summary>The entries, in the order they were added.</summary>
        public IEnumerable<OptOutEntry> Entries => _entries.Values;

        /// <summary>Every removal ever made, oldest first: the file's record of consent.</summary>
        public IReadOnlyList<OptOutRemoval> Removals => _removals;

        /// <summary>The entry that blocks <paramref name="number"/> (E.164) on <paramref name="channel"/>: its own, or one for every channel; null when none.</summary>
        public OptOutEntry? Blocking(string number, OctopodsChannel channel)
        {
            // Every send asks, once per message: an empty list (the usual case) costs no parse.
            if (_entries.Count == 0) return null;
            number = PhoneNumberNormalizer.Canonical(number);
            var own = channel switch
            {
                OctopodsChannel.Sms => OptOutChannel.Sms,
                OctopodsChannel.WhatsApp => OptOutChannel.WhatsApp,
                _ => OptOutChannel.Viber,
            };
            return _entries.TryGetValue((number, own), out var entry) ? entry
                : _entries.TryGetValue((number, OptOutChannel.All), out entry) ? entry : null;
        }

        /// <summary>The send's error when <paramref name="number"/> is listed for <paramref name="channel"/> (nothing sends anyway: only consent lifts it); null when it is not.</summary>
        public OctopodsException? Refusal(string number, OctopodsChannel channel)
        {
            if (!(Blocking(number, channel) is { } entry)) return null;
            var channels = entry.Channel == OptOutChannel.All ? "every channel" : entry.Channel.ToString();
            var why = entry.Reason == null ? "" : $" ({entry.Reason})";
            return new OctopodsException(ErrorNames.RecipientOptedOut, OctopodsErrorKind.InvalidArgument,
                $"{number} opted out of {channels} on {entry.OptedOutAt.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}{why}; the message was not sent",
                $"Only the recipient's written consent lifts the block: then Remove-OctopodsOptOut -PhoneNumber {number} -Channel {entry.Channel} -Reason '<the consent>'.");
        }

        /// <summary>Adds <paramref name="entry"/>; false (and nothing changes) when the number is already listed for that channel.</summary>
        public bool Add(OptOutEntry entry)
        {
            // Kept in the one form every spelling of the number compares equal to.
            entry.PhoneNumber = PhoneNumberNormalizer.Canonical(entry.PhoneNumber);
            var key = (entry.PhoneNumber, entry.Channel);
            if (_entries.ContainsKey(key)) return false;
            _entries[key] = entry;
            return true;
        }

        /// <summary>Removes the entry, keeping the removal and its reason; null when there was none.</summary>
        public OptOutEntry? Remove(string number, OptOutChannel channel, string reason, DateTimeOffset at, string by)
        {
            number = PhoneNumberNormalizer.Canonical(number);
            if (!_entries.TryGetValue((number, channel), out var entry)) return null;
            _entries.Remove((number, channel));
            _removals.Add(new OptOutRemoval(entry, reason, at, by));
            return entry;
        }

        /// <summary>The entry of <paramref name="number"/> for exactly <paramref name="channel"/>; null when none.</summary>
        public OptOutEntry? Find(string number, OptOutChannel channel) =>
            _entries.TryGetValue((PhoneNumberNormalizer.Canonical(number), channel), out var entry) ? entry : null;

        public byte[] ToJson() => JsonWriting.JsonObject(w =>
        {
            w.WriteString("type", HeaderType);
            w.WriteNumber("version", 1);
            w.WriteStartArray("entries");
            foreach (var entry in _entries.Values)
            {
                w.WriteStartObject();
                w.WriteString("phone", entry.PhoneNumber);
                w.WriteString("channel", entry.Channel.ToString());
                if (entry.Reason != null) w.WriteString("reason", entry.Reason);
                w.WriteString("opted_out_at", entry.OptedOutAt);
                if (entry.Source != null) w.WriteString("source", entry.Source);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("removals");
            foreach (var removal in _removals)
            {
                w.WriteStartObject();
                w.WriteString("phone", removal.Entry.PhoneNumber);
                w.WriteString("channel", removal.Entry.Channel.ToString());
                w.WriteString("reason", removal.Reason);
                w.WriteString("removed_at", removal.At);
                w.WriteString("removed_by", removal.By);
                if (removal.Entry.Source != null) w.WriteString("source", removal.Entry.Source);
                if (removal.Entry.Reason != null) w.WriteString("opted_out_reason", removal.Entry.Reason);
                w.WriteString("opted_out_at", removal.Entry.OptedOutAt);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        });

        /// <summary>
        /// Reads the file's text. Anything it cannot read exactly (an entry without a number, an unknown
        /// channel, a damaged time) refuses the whole file, naming <paramref name="path"/>: a list read in
        /// part would let a number through, and the next change would write the loss back.
        /// </summary>
        public static OptOutList FromJson(string text, string path)
        {
            var list = new OptOutList();
            try
            {
                using var doc = JsonDocument.Parse(text);
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object || JsonFields.GetString(root, "type") != HeaderType) throw Damaged(path, "it is not an opt-out list");
                if (JsonFields.GetInt(root, "version") is { } version && version > 1)
                    throw new OctopodsException(ErrorNames.OptOutFileInvalid, OctopodsErrorKind.InvalidArgument,
                        $"The opt-out list {path} is in format {version}, newer than this module reads; it was left untouched",
                        "Update the module (Update-PSResource Octopods).");
                var index = 0;
                foreach (var item in Items(root, "entries", path))
                {
                    index++;
                    var phone = JsonFields.GetString(item, "phone");
                    if (phone == null || !phone.StartsWith("+", StringComparison.Ordinal)) throw Damaged(path, $"entry {index} has no number in E.164 form");
                    list.Add(new OptOutEntry
                    {
                        PhoneNumber = phone,
                        Channel = ChannelOf(JsonFields.GetString(item, "channel"), path, index),
                        Reason = JsonFields.GetString(item, "reason"),
                        OptedOutAt = JsonFields.GetTime(item, "opted_out_at") ?? throw Damaged(path, $"entry {index} has no time it opted out"),
                        Source = JsonFields.GetString(item, "source"),
                    });
                }
                index = 0;
                foreach (var item in Items(root, "removals", path))
                {
                    index++;
                    var entry = new OptOutEntry
                    {
                        PhoneNumber = JsonFields.GetString(item, "phone") ?? "",
                        Channel = ChannelOf(JsonFields.GetString(item, "channel"), path, index),
                        Reason = JsonFields.GetString(item, "opted_out_reason"),
                        OptedOutAt = JsonFields.GetTime(item, "opted_out_at") ?? DateTimeOffset.MinValue,
                        Source = JsonFields.GetString(item, "source"),
                    };
                    list._removals.Add(new OptOutRemoval(entry, JsonFields.GetString(item, "reason") ?? "",
                        JsonFields.GetTime(item, "removed_at") ?? DateTimeOffset.MinValue, JsonFields.GetString(item, "removed_by") ?? ""));
                }
            }
            catch (Exception ex) when (ex is JsonException || ex is ArgumentException || ex is FormatException || ex is InvalidOperationException)
            {
                throw Damaged(path, "its text is not one");
            }
            return list;
        }

        /// <summary>The objects of the array <paramref name="name"/> (none when it is absent); anything else there is damage.</summary>
        private static IEnumerable<JsonElement> Items(JsonElement root, string name, string path)
        {
            if (!root.TryGetProperty(name, out var items)) yield break;
            if (items.ValueKind != JsonValueKind.Array) throw Damaged(path, $"its {name} are not a list");
            foreach (var item in items.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object) throw Damaged(path, $"one of its {name} is not an object");
                yield return item;
            }
        }

        /// <summary>A channel by its name only (a number or a list of names is damage, not a guess).</summary>
        public static OptOutChannel? ParseChannel(string? text)
        {
            var name = text?.Trim() ?? "";
            foreach (OptOutChannel channel in Enum.GetValues(typeof(OptOutChannel)))
                if (string.Equals(channel.ToString(), name, StringComparison.OrdinalIgnoreCase)) return channel;
            return null;
        }

        private static OptOutChannel ChannelOf(string? text, string path, int index) =>
            ParseChannel(text) ?? throw Damaged(path, $"entry {index} names no channel it knows ('{text}')");

        private static OctopodsException Damaged(string path, string why) =>
            new OctopodsException(ErrorNames.OptOutFileInvalid, OctopodsErrorKind.InvalidArgument,
                $"{path} cannot be read as an Octopods opt-out list: {why}; it was left untouched, and the command stopped before doing anything",
                $"If {OptOutFile.PathVariable} names another file by mistake, point it at the opt-out list or remove the variable; if the list was edited by hand, restore it from a backup.");
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using Octopods.Json;
using Octopods.WhatsApp;

namespace Octopods.Sandbox
{
    /// <summary>
    /// The WhatsApp family: template sends, statuses (read included), the recent-messages listing per
    /// key, and templates. The magic numbers of <see cref="SandboxNumbers"/> get WhatsApp fates.
    /// </summary>
    internal sealed class WhatsAppEmulator : TemplateFamilyEmulator
    {
        private sealed class Message
        {
            public string Id = "";
            public string Phone = "";
            public string Content = "";
            public DateTimeOffset AcceptedAt;
            public string Final = WhatsAppStatuses.Read;
            /// <summary>Null: the usual failure reason shape is a {code, title} object.</summary>
            public int? FailureCode;
            public string? FailureTitle;
            public bool FinalAtOnce;
            public string? ConversationId;
        }

        private readonly Dictionary<string, Message> _messages = new Dictionary<string, Message>(StringComparer.Ordinal);
        // The listing is per key: a key that never sent gets the documented 400.
        private readonly Dictionary<string, List<Message>> _history = new Dictionary<string, List<Message>>(StringComparer.Ordinal);
        private long _conversations;

        public WhatsAppEmulator(OctopodsEmulator emulator) : base(emulator, SandboxTemplates.WhatsAppSeed()) { }

        public override OctopodsChannel Channel => OctopodsChannel.WhatsApp;
        public override string PathPrefix => "/api/v1/whatsapp";
        protected override string HeaderField => "header_attachment_url";
        protected override bool WithButtons => true;
        protected override bool ListsAllStatuses => true;

        protected override void Accepted(string key, string id, string phone, SandboxTemplate template, string content, DateTimeOffset at, bool openConversation)
        {
            var message = new Message { Id = id, Phone = phone, Content = content, AcceptedAt = at };
            switch (phone)
            {
                case SandboxNumbers.Fails:
                    message.Final = WhatsAppStatuses.Failed;
                    message.FailureCode = 131026;
                    message.FailureTitle = "Message undeliverable: the recipient is not a WhatsApp user";
                    break;
                case SandboxNumbers.Undelivered:
                    // Read straight away: -Wait ends on Read rather than Delivered.
                    message.Final = WhatsAppStatuses.Read;
                    message.FinalAtOnce = true;
                    break;
                case SandboxNumbers.ProviderError:
                    message.Final = WhatsAppStatuses.Deleted;
                    break;
                case SandboxNumbers.StaysQueued:
                    message.Final = WhatsAppStatuses.Unknown;
                    break;
            }
            if (openConversation) message.ConversationId = "sbx_conv_" + System.Threading.Interlocked.Increment(ref _conversations).ToString(CultureInfo.InvariantCulture);
            lock (Gate)
            {
                _messages[id] = message;
                if (!_history.TryGetValue(key, out var list)) _history[key] = list = new List<Message>();
                list.Add(message);
            }
        }

        protected override void WriteSendExtras(Utf8JsonWriter w, string id) => w.WriteString("channel_message_id", ChannelId(id));

        private static string ChannelId(string id) => "wamid.SBX" + id.Replace("msg_sbx_", "");

        protected override EmulatorResponse? HandleMore(EmulatorRequest request, string[] parts, string requestId)
        {
            if (request.Method != "GET" || parts.Length == 0 || parts[0] != "messages") return null;
            if (parts.Length == 1) return List(request, requestId);
            if (parts.Length == 2) return Status(parts[1], requestId);
            return null;
        }

        /// <summary>Where a message is at the emulator's current time.</summary>
        private (string status, DateTimeOffset lastUpdated, DateTimeOffset? delivered, DateTimeOffset? read) Now(Message m)
        {
            var options = Emulator.Options;
            var elapsed = Emulator.Clock.UtcNow - m.AcceptedAt;
            if (m.Final == WhatsAppStatuses.Unknown) return (WhatsAppStatuses.Unknown, m.AcceptedAt, null, null);
            if (elapsed < options.FinalAfter) return (WhatsAppStatuses.Sent, m.AcceptedAt, null, null);
            var finalAt = m.AcceptedAt + options.FinalAfter;
            switch (m.Final)
            {
                case WhatsAppStatuses.Failed:
                case WhatsAppStatuses.Deleted:
                    return (m.Final, finalAt, null, null);
                default:
                    if (m.FinalAtOnce) return (WhatsAppStatuses.Read, finalAt, finalAt, finalAt);
                    var readAt = m.AcceptedAt + options.ReadAfter;
                    return elapsed < options.ReadAfter
                        ? (WhatsAppStatuses.Delivered, finalAt, finalAt, null)
                        : (WhatsAppStatuses.Read, readAt, finalAt, readAt);
            }
        }

        private static string StatusMessage(string status) => status switch
        {
            WhatsAppStatuses.Sent => "The message has been sent to WhatsApp.",
            WhatsAppStatuses.Delivered => "The message has been delivered to the recipient's phone.",
            WhatsAppStatuses.Read => "The recipient has read the message.",
            WhatsAppStatuses.Failed => "The message could not be delivered.",
            WhatsAppStatuses.Deleted => "The recipient deleted the message.",
            _ => "The status is not known yet; ask again shortly.",
        };

        private EmulatorResponse Status(string id, string requestId)
        {
            Message? message;
            lock (Gate) _messages.TryGetValue(id, out message);
            if (message == null)
                return EmulatorResponse.Json(404, w => { w.WriteString("request_id", requestId); w.WriteString("error", $"Message {id} was not found for this channel."); });
            var (status, lastUpdated, delivered, read) = Now(message);
            return EmulatorResponse.Json(200, w =>
            {
                w.WriteString("request_id", requestId);
                WriteId(w, message.Id);
                w.WriteString("status", Emulator.Status(status));
                w.WriteString("status_message", StatusMessage(status));
                w.WriteString("channel_message_id", ChannelId(message.Id));
                if (message.ConversationId != null)
                {
                    w.WriteString("intercom_conversation_id", message.ConversationId);
                    w.WriteString("intercom_conversation_part_id", message.ConversationId + "_1");
                }
                else
                {
                    w.WriteNull("intercom_conversation_id");
                    w.WriteNull("intercom_conversation_part_id");
                }
                w.WriteTime("last_updated", lastUpdated);
                w.WriteString("phone_number", Emulator.Phone(message.Phone));
                w.WriteTime("sent_at", status == WhatsAppStatuses.Unknown ? (DateTimeOffset?)null : message.AcceptedAt);
                w.WriteTime("delivered_at", delivered);
                w.WriteTime("read_at", read);
                WriteFailure(w, message, status, asObject: true);
            });
        }

        private static void WriteFailure(Utf8JsonWriter w, Message message, string status, bool asObject)
        {
            if (status != WhatsAppStatuses.Failed || message.FailureTitle == null)
            {
                w.WriteNull("failure_reason");
                return;
            }
            if (asObject)
            {
                w.WriteStartObject("failure_reason");
                w.WriteNumber("code", message.FailureCode ?? 0);
                w.WriteString("title", message.FailureTitle);
                w.WriteEndObject();
            }
            else w.WriteString("failure_reason", message.FailureTitle);
        }

        private void WriteId(Utf8JsonWriter w, string id)
        {
            if (Emulator.Options.NumericMessageIds) w.WriteNumber("message_id", long.Parse(id, CultureInfo.InvariantCulture));
            else w.WriteString("message_id", id);
        }

        /// <summary>GET messages?limit=N, newest first, in either documented shape (EmulatorOptions.BareMessageListing).</summary>
        private EmulatorResponse List(EmulatorRequest request, string requestId)
        {
            var parameters = SandboxTemplates.ParseQuery(request.Query);
            var limit = parameters.TryGetValue("limit", out var text) && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 100;
            limit = Math.Max(1, Math.Min(100, limit));
            var key = SandboxStore.KeyHash(request.Header(Http.OctopodsClient.AuthHeader) ?? "");
            List<Message> recent;
            lock (Gate)
            {
                if (!_history.TryGetValue(key, out var list) || list.Count == 0)
                    return EmulatorResponse.Error(400, requestId, null, "No messages have been sent through the API from this channel.");
                recent = Enumerable.Reverse(list).Take(limit).ToList();
            }

            if (Emulator.Options.BareMessageListing)
            {
                var body = JsonWriting.Bytes(w =>
                {
                    w.WriteStartArray();
                    foreach (var m in recent)
                    {
                        var (status, _, _, _) = Now(m);
                        w.WriteStartObject();
                        w.WriteString("user_phone_number", Emulator.Phone(m.Phone));
                        w.WriteTime("created_at", m.AcceptedAt);
                        w.WriteString("message_content", m.Content);
                        w.WriteStartObject("message_status");
                        w.WriteString("channel_message_id", ChannelId(m.Id));
                        w.WriteString("message_status", Emulator.Status(status));
                        WriteFailure(w, m, status, asObject: true);
                        w.WriteEndObject();
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                });
                return new EmulatorResponse(200, System.Text.Encoding.UTF8.GetString(body));
            }
            return EmulatorResponse.Json(200, w =>
            {
                w.WriteString("request_id", requestId);
                w.WriteStartArray("messages");
                foreach (var m in recent)
                {
                    var (status, _, _, _) = Now(m);
                    w.WriteStartObject();
                    WriteId(w, m.Id);
                    w.WriteString("status", Emulator.Status(status));
                    w.WriteString("phone_number", Emulator.Phone(m.Phone));
                    w.WriteTime("sent_at", m.AcceptedAt);
                    WriteFailure(w, m, status, asObject: false);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            });
        }
    }
}

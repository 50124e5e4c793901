using System;
using System.Collections.Concurrent;
using System.Text.Json;
using Octopods.Json;
using Octopods.Phones;
using Octopods.Sms;

namespace Octopods.Sandbox
{
    /// <summary>The SMS family: POST /api/v1/sms/messages and GET /api/v1/sms/messages/{id}.</summary>
    internal sealed class SmsEmulator : IEmulatorFamily
    {
        private sealed class Message
        {
            public string Id = "";
            public string Phone = "";
            public DateTimeOffset AcceptedAt;
            public string Final = SmsStatuses.Delivered;
            public string? FailureReason;
        }

        private readonly OctopodsEmulator _emulator;
        private readonly ConcurrentDictionary<string, Message> _messages = new ConcurrentDictionary<string, Message>(StringComparer.Ordinal);

        public SmsEmulator(OctopodsEmulator emulator) => _emulator = emulator;

        public OctopodsChannel Channel => OctopodsChannel.Sms;
        public string PathPrefix => "/api/v1/sms/messages";
        public int DeprecatedKeyCode => 5;

        public EmulatorResponse Handle(EmulatorRequest request, string relativePath, string requestId)
        {
            if (request.Method == "POST" && relativePath.Length == 0) return Send(request, requestId);
            if (request.Method == "GET")
            {
                if (relativePath.Length == 0)
                    return EmulatorResponse.Error(400, requestId, 1, "You must supply message_id in your request payload.");
                return Status(Uri.UnescapeDataString(relativePath), requestId);
            }
            return EmulatorResponse.Json(405, w => { w.WriteString("request_id", requestId); w.WriteString("error", "Method not allowed."); });
        }

        private EmulatorResponse Send(EmulatorRequest request, string requestId)
        {
            JsonElement root;
            try
            {
                using var document = JsonDocument.Parse(request.Body.Length == 0 ? "{}" : request.Body);
                root = document.RootElement.Clone();
            }
            catch (JsonException)
            {
                return EmulatorResponse.Error(400, requestId, null, "The request body is not valid JSON.");
            }

            var phone = JsonFields.GetRawString(root, "destination_phone");
            var body = JsonFields.GetRawString(root, "body");
            if (string.IsNullOrWhiteSpace(phone))
                return EmulatorResponse.Error(400, requestId, 1, "You must supply destination_phone in your request payload.");
            if (string.IsNullOrWhiteSpace(body))
                return EmulatorResponse.Error(400, requestId, 2, "Message body is empty.");
            if (!PhoneNumberNormalizer.IsE164(phone))
                return EmulatorResponse.Error(400, requestId, 3, "Destination number must be in E.164 format.");
            if (phone == SandboxNumbers.ProviderError)
                return EmulatorResponse.Error(400, requestId, 4,
                    $"SMS provider returned an error: The 'To' number {phone} is not a valid phone number (Twilio 21211).");

            var keyHash = SandboxStore.KeyHash(request.Header(Http.OctopodsClient.AuthHeader) ?? "");
            var now = _emulator.Clock.UtcNow;
            var accepted = _emulator.Accept(id => new AcceptedSend(OctopodsChannel.Sms, id, phone!, body!, now, requestId) { KeyHash = keyHash });
            var message = Track(accepted.MessageId, phone!, now);

            var statusUrl = new Uri(request.BaseUri, "/api/v1/sms/messages/" + Uri.EscapeDataString(message.Id)).ToString();
            return EmulatorResponse.Json(201, w =>
            {
                w.WriteString("request_id", requestId);
                if (_emulator.Options.NumericMessageIds) w.WriteNumber("message_id", long.Parse(message.Id, System.Globalization.CultureInfo.InvariantCulture));
                else w.WriteString("message_id", message.Id);
                w.WriteString("channel_message_id", "SM" + Guid.NewGuid().ToString("N"));
                w.WriteString("message_status_url", statusUrl);
                w.WriteString("phone_number", _emulator.Phone(message.Phone));
            });
        }

        public void Restore(AcceptedSend send) => Track(send.MessageId, send.DestinationPhone, send.AcceptedAt);

        /// <summary>A message accepted at <paramref name="at"/>, whose path to a final status its number decides.</summary>
        private Message Track(string id, string phone, DateTimeOffset at)
        {
            var message = new Message { Id = id, Phone = phone, AcceptedAt = at };
            switch (phone)
            {
                case SandboxNumbers.Fails:
                    message.Final = SmsStatuses.Failed;
                    message.FailureReason = "The destination number is not a valid mobile subscriber.";
                    break;
                case SandboxNumbers.Undelivered:
                    message.Final = SmsStatuses.Undelivered;
                    message.FailureReason = "The handset was out of coverage for too long.";
                    break;
                case SandboxNumbers.StaysQueued:
                    message.Final = SmsStatuses.Queued;
                    break;
            }
            _messages[message.Id] = message;
            return message;
        }

        private EmulatorResponse Status(string id, string requestId)
        {
            if (!_messages.TryGetValue(id, out var message))
                return EmulatorResponse.Json(404, w => { w.WriteString("request_id", requestId); w.WriteString("error", $"Message {id} was not found for this channel."); });

            var now = _emulator.Clock.UtcNow;
            var elapsed = now - message.AcceptedAt;
            var options = _emulator.Options;
            string status;
            DateTimeOffset lastUpdated;
            if (message.Final == SmsStatuses.Queued || elapsed < options.SentAfter)
            {
                status = SmsStatuses.Queued;
                lastUpdated = message.AcceptedAt;
            }
            else if (elapsed < options.FinalAfter)
            {
                status = SmsStatuses.Sent;
                lastUpdated = message.AcceptedAt + options.SentAfter;
            }
            else
            {
                status = message.Final;
                lastUpdated = message.AcceptedAt + options.FinalAfter;
            }
            var sent = status != SmsStatuses.Queued;
            var final = SmsStatuses.IsTerminal(status);

            return EmulatorResponse.Json(200, w =>
            {
                w.WriteString("request_id", requestId);
                if (options.NumericMessageIds) w.WriteNumber("message_id", long.Parse(message.Id, System.Globalization.CultureInfo.InvariantCulture));
                else w.WriteString("message_id", message.Id);
                w.WriteString("status", _emulator.Status(status));
                w.WriteString("status_message", StatusMessage(status));
                w.WriteTime("last_updated", lastUpdated);
                w.WriteString("phone_number", _emulator.Phone(message.Phone));
                w.WriteTime("sent_at", sent ? message.AcceptedAt + options.SentAfter : (DateTimeOffset?)null);
                w.WriteTime("delivered_at", status == SmsStatuses.Delivered ? lastUpdated : (DateTimeOffset?)null);
                if (final && message.FailureReason != null) w.WriteString("failure_reason", message.FailureReason);
                else w.WriteNull("failure_reason");
            });
        }

        private static string StatusMessage(string status) => status switch
        {
            SmsStatuses.Queued => "The message is queued with the provider.",
            SmsStatuses.Sent => "The message has been sent to the carrier.",
            SmsStatuses.Delivered => "Your message has been delivered successfully.",
            SmsStatuses.Failed => "The carrier rejected the message.",
            SmsStatuses.Undelivered => "The provider gave up delivering the message.",
            _ => status,
        };
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Threading;
using Octopods.Http;
using Octopods.Time;

namespace Octopods.Sandbox
{
    /// <summary>
    /// An in-memory Octopods: the documented endpoints, validation errors and codes, statuses that
    /// progress with its clock, magic numbers (<see cref="SandboxNumbers"/>) and a rate-limit mode.
    /// The same instance serves in-process (<see cref="CreateHttpHandler"/>) or over a loopback socket.
    /// </summary>
    internal sealed class OctopodsEmulator
    {
        private readonly object _gate = new object();
        private readonly List<AcceptedSend> _ledger = new List<AcceptedSend>();
        private readonly List<IEmulatorFamily> _families;
        private long _requestCounter;
        private long _messageCounter;
        private long _windowStart = long.MinValue;
        private int _windowCount;
        private HttpMessageHandler? _handler;

        /// <param name="store">Where accepted sends are kept across processes (the module's sandbox); null: in memory only.</param>
        public OctopodsEmulator(IClock? clock = null, EmulatorOptions? options = null, SandboxStore? store = null)
        {
            Clock = clock ?? new VirtualClock();
            Options = options ?? new EmulatorOptions();
            _families = new List<IEmulatorFamily> { new SmsEmulator(this), new WhatsAppEmulator(this), new ViberEmulator(this) };
            if (store == null) return;
            // Only the file's end now (fast at any history); the sends it keeps are read at the first look-up.
            LatestKept = store.Open();
            _store = store;
        }

        private readonly SandboxStore? _store;
        private readonly object _historyLock = new object();
        private bool _historyRead;
        // Ids this emulator gave: the history read later holds them too, and they are not taken twice.
        private readonly HashSet<string> _given = new HashSet<string>(StringComparer.Ordinal);

        /// <summary>When the latest send kept in the store was accepted (null: none, or no store).</summary>
        public DateTimeOffset? LatestKept { get; }

        private int _storeFailures;
        private string? _latestStoreFailure;

        /// <summary>How many of this emulator's sends its store could not keep (it went on answering), and why the latest could not.</summary>
        public (int Count, string? Latest) StoreFailures
        {
            get { lock (_gate) return (_storeFailures, _latestStoreFailure); }
        }

        /// <summary>
        /// Takes back the sends the store keeps (every process's), once, before the first look-up:
        /// a status or a listing may ask for a message another process sent.
        /// </summary>
        private void ReadHistory()
        {
            if (_store == null) return;
            lock (_historyLock)
            {
                if (_historyRead) return;
                _historyRead = true;
                var kept = _store.Load();
                List<AcceptedSend> earlier;
                lock (_gate) earlier = kept.Where(s => !_given.Contains(s.MessageId)).ToList();
                foreach (var send in earlier) _families.FirstOrDefault(f => f.Channel == send.Channel)?.Restore(send);
                lock (_gate)
                {
                    // The ledger in the file's order, then any send of this emulator the file could not keep.
                    var inFile = new HashSet<string>(kept.Select(s => s.MessageId), StringComparer.Ordinal);
                    var own = _ledger.Where(s => !inFile.Contains(s.MessageId)).ToList();
                    _ledger.Clear();
                    _ledger.AddRange(kept);
                    _ledger.AddRange(own);
                }
            }
        }

        public IClock Clock { get; }
        public EmulatorOptions Options { get; }

        /// <summary>Every accepted send, in order of acceptance.</summary>
        public IReadOnlyList<AcceptedSend> Ledger
        {
            get
            {
                ReadHistory();
                lock (_gate) return _ledger.ToArray();
            }
        }

        /// <summary>How many requests reached the emulator, 429s included.</summary>
        public long RequestCount => Interlocked.Read(ref _requestCounter);

        /// <summary>A handler that answers HttpClient requests from this emulator without a socket.</summary>
        public HttpMessageHandler CreateHttpHandler()
        {
            lock (_gate) return _handler ??= new EmulatorHttpHandler(this);
        }

        public EmulatorResponse Handle(EmulatorRequest request)
        {
            var requestId = "req_sbx_" + Interlocked.Increment(ref _requestCounter).ToString("D6", CultureInfo.InvariantCulture);
            var path = request.Path.TrimEnd('/');
            var family = _families.FirstOrDefault(f => path.StartsWith(f.PathPrefix, StringComparison.OrdinalIgnoreCase));
            if (family == null)
                return EmulatorResponse.Json(404, w => { w.WriteString("request_id", requestId); w.WriteString("error", "Not found."); });

            if (request.Method != "POST") ReadHistory();
            var key = request.Header(OctopodsClient.AuthHeader);
            if (string.IsNullOrWhiteSpace(key) || key == SandboxKeys.Invalid)
                return EmulatorResponse.Json(401, w => { w.WriteString("request_id", requestId); w.WriteString("error", "Unauthorized. Check the X-Octopods-Auth header."); });

            if (IsRateLimited(out var retryAt))
            {
                var response = EmulatorResponse.Json(429, w => w.WriteString("message",
                    "You have fired too many requests. Please try after " +
                    retryAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC."));
                if (Options.SendRetryAfterHeader)
                    response.Headers["Retry-After"] = Math.Max(1, (int)Math.Ceiling((retryAt - Clock.UtcNow).TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                return response;
            }

            if (key == SandboxKeys.Deprecated)
                return EmulatorResponse.Error(400, requestId, family.DeprecatedKeyCode,
                    "Deprecated API Key. Please go to your Octopods App, and get your new API Key.");

            return family.Handle(request, path.Substring(family.PathPrefix.Length).Trim('/'), requestId);
        }

        /// <summary>
        /// Counts the request against the current window of the emulator's clock: one second holding
        /// the limit, or for rates under 1/s a window of 1/rate seconds holding one request.
        /// </summary>
        private bool IsRateLimited(out DateTimeOffset retryAt)
        {
            retryAt = default;
            var limit = Options.RateLimitPerSecond;
            if (!limit.HasValue) return false;
            var windowSeconds = limit.Value >= 1 ? 1L : (long)Math.Ceiling(1 / Math.Max(limit.Value, 0.0001));
            var capacity = limit.Value >= 1 ? (int)Math.Floor(limit.Value) : 1;
            var window = Clock.UtcNow.ToUnixTimeSeconds() / windowSeconds;
            lock (_gate)
            {
                if (window != _windowStart)
                {
                    _windowStart = window;
                    _windowCount = 0;
                }
                if (_windowCount >= capacity)
                {
                    // The message has whole seconds; "after" the window's end it is fresh.
                    retryAt = DateTimeOffset.FromUnixTimeSeconds((window + 1) * windowSeconds);
                    return true;
                }
                _windowCount++;
                return false;
            }
        }

        /// <summary>
        /// Accepts one send: <paramref name="make"/> builds it around the next message id, which the store
        /// (when there is one) hands out under its lock, so no process or runspace is given the same id.
        /// </summary>
        internal AcceptedSend Accept(Func<string, AcceptedSend> make)
        {
            lock (_gate)
            {
                string? failure = null;
                var send = _store == null
                    ? make(NextId())
                    : _store.Keep(highest =>
                    {
                        if (Options.NumericMessageIds) highest -= 100000;
                        if (highest > _messageCounter) _messageCounter = highest;
                        return make(NextId());
                    }, out failure);
                if (failure != null)
                {
                    _storeFailures++;
                    _latestStoreFailure = failure;
                }
                _ledger.Add(send);
                _given.Add(send.MessageId);
                return send;
            }
        }

        private string NextId()
        {
            var next = ++_messageCounter;
            return Options.NumericMessageIds
                ? (100000 + next).ToString(CultureInfo.InvariantCulture)
                : "msg_sbx_" + next.ToString("D8", CultureInfo.InvariantCulture);
        }

        internal string Status(string canonical) =>
            Options.UpperCaseStatuses ? canonical.ToUpperInvariant() : canonical.ToLowerInvariant();

        internal string Phone(string e164) => Options.PhoneWithoutPlus ? e164.TrimStart('+') : e164;
    }
}

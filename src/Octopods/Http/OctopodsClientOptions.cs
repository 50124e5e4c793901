using System;
using System.Net.Http;
using Octopods.Time;

namespace Octopods.Http
{
    public sealed class OctopodsClientOptions
    {
        public OctopodsClientOptions(OctopodsChannel channel, ApiKey apiKey, Uri? baseUri = null)
        {
            Channel = channel;
            ApiKey = apiKey ?? throw new ArgumentNullException(nameof(apiKey));
            BaseUri = baseUri ?? TransportSecurity.DefaultBaseUri;
        }

        public OctopodsChannel Channel { get; }
        public ApiKey ApiKey { get; }
        public Uri BaseUri { get; }

        /// <summary>How long one request may take before it is abandoned.</summary>
        public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

        /// <summary>How many 429 answers in a row one call sits out before giving up.</summary>
        public int MaxRateLimitRetries { get; set; } = 5;

        /// <summary>The longest single wait a 429 may impose; a later "try after" fails the call instead.</summary>
        public TimeSpan MaxRateLimitWait { get; set; } = TimeSpan.FromMinutes(5);

        /// <summary>Used when a 429 names no time.</summary>
        public TimeSpan DefaultRateLimitWait { get; set; } = TimeSpan.FromSeconds(5);

        public IClock Clock { get; set; } = SystemClock.Instance;

        /// <summary>Replaces the network (the in-process sandbox). Null means the shared HttpClient for the base address.</summary>
        public HttpMessageHandler? Handler { get; set; }

        /// <summary>Called after every HTTP exchange, on whatever thread made it.</summary>
        public Action<HttpExchange>? Log { get; set; }

        /// <summary>Called when a 429 makes the client wait, with the wait.</summary>
        public Action<TimeSpan>? RateLimitWait { get; set; }

        /// <summary>
        /// Bulk mode: a 429 pauses every request sharing this gate (not just the one refused) until the
        /// announced time; every attempt waits for the gate (and, for POSTs, takes its pacer's turn)
        /// immediately before it leaves. A 429 asking for longer than <see cref="MaxRateLimitWait"/> blocks
        /// the gate's POSTs until then, and a stopped gate refuses POSTs (<see cref="Bulk.SendStoppedException"/>).
        /// Null: each call sleeps out its own 429. The retry cap (<see cref="MaxRateLimitRetries"/>) holds either way.
        /// </summary>
        public Bulk.SendGate? Gate { get; set; }
    }
}

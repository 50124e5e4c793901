using System;
using System.Net.Http;
using Octopods.Time;

namespace Octopods.Http
{
    /// <summary>
    /// Everything one <see cref="OctopodsClient"/> needs, fixed when the client is made: a command
    /// resolves its connection and the user's settings (Octopods.Settings) once and adds its logging
    /// with a <c>with</c> copy.
    /// </summary>
    internal sealed record OctopodsClientOptions
    {
        public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(30);
        public const int DefaultMaxRateLimitRetries = 5;
        public static readonly TimeSpan DefaultMaxRateLimitWait = TimeSpan.FromMinutes(5);

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
        public TimeSpan RequestTimeout { get; init; } = DefaultRequestTimeout;

        /// <summary>How many 429 answers in a row one call sits out before giving up.</summary>
        public int MaxRateLimitRetries { get; init; } = DefaultMaxRateLimitRetries;

        /// <summary>The longest single wait a 429 may impose; a later "try after" fails the call instead.</summary>
        public TimeSpan MaxRateLimitWait { get; init; } = DefaultMaxRateLimitWait;

        /// <summary>Used when a 429 names no time.</summary>
        public TimeSpan DefaultRateLimitWait { get; init; } = TimeSpan.FromSeconds(5);

        /// <summary>The largest answer read; a longer one is abandoned as <c>Octopods.ResponseTooLarge</c> (the API's answers are a few KB).</summary>
        public int MaxResponseBytes { get; init; } = 1024 * 1024;

        public IClock Clock { get; init; } = SystemClock.Instance;

        /// <summary>Replaces the network (the in-process sandbox). Null means the shared HttpClient for the base address and <see cref="Proxy"/>.</summary>
        public HttpMessageHandler? Handler { get; init; }

        /// <summary>The route to the service (ignored with <see cref="Handler"/>): the system proxy unless the settings say otherwise.</summary>
        public ProxySettings Proxy { get; init; } = ProxySettings.System;

        /// <summary>Called after every HTTP exchange, on whatever thread made it; the key is already redacted.</summary>
        public Action<HttpExchange>? Log { get; init; }

        /// <summary>Called when a 429 makes the client wait, with the wait.</summary>
        public Action<TimeSpan>? RateLimitWait { get; init; }
    }
}

using System;
using System.Diagnostics;
using System.IO;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Octopods.Errors;
using Octopods.FlowControl;
using Octopods.Json;
using Octopods.Text;

namespace Octopods.Http
{
    /// <summary>
    /// The transport for one channel key: authentication header, timeouts, 429 waits (as the call's
    /// <see cref="IAttemptPolicy"/> decides: alone, or through a bulk run's gate), redaction of the key from everything the
    /// service answers and everything logged, and the translation of every failure into a named
    /// <see cref="OctopodsException"/>.
    /// A POST is repeated only after a 429 (the service took nothing); any failure that leaves the
    /// outcome unknown is reported, never retried: a duplicate SMS is worse than a missing one.
    /// </summary>
    internal sealed class OctopodsClient
    {
        public const string AuthHeader = "X-Octopods-Auth";
        private static readonly MediaTypeHeaderValue JsonType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };

        private readonly OctopodsClientOptions _options;
        private readonly HttpClient _http;
        private readonly ExchangeFailures _failures;

        public OctopodsClient(OctopodsClientOptions options)
        {
            _options = options ?? throw new ArgumentNullException(nameof(options));
            _http = HttpClientCache.For(options.BaseUri, options.Handler, options.Proxy);
            _failures = new ExchangeFailures(options);
        }

        public OctopodsClientOptions Options => _options;

        public Task<ApiResponse> PostAsync(string path, byte[] jsonBody, ApiOperation operation, CancellationToken cancellationToken) =>
            SendAsync(HttpMethod.Post, path, jsonBody, operation, null, cancellationToken);

        /// <summary>A send of a bulk run: each attempt takes its turn through the run's policy, in the row's order.</summary>
        internal Task<ApiResponse> PostAsync(string path, byte[] jsonBody, ApiOperation operation, SendContext? context, CancellationToken cancellationToken) =>
            SendAsync(HttpMethod.Post, path, jsonBody, operation, context, cancellationToken);

        public Task<ApiResponse> GetAsync(string path, ApiOperation operation, CancellationToken cancellationToken) =>
            SendAsync(HttpMethod.Get, path, null, operation, null, cancellationToken);

        private async Task<ApiResponse> SendAsync(HttpMethod method, string path, byte[]? body, ApiOperation operation, SendContext? context, CancellationToken cancellationToken)
        {
            var uri = new Uri(_options.BaseUri, path.TrimStart('/'));
            var policy = context?.Policy ?? SoloAttemptPolicy.Instance;
            var isSend = method == HttpMethod.Post;
            for (var attempt = 1; ; attempt++)
            {
                // Immediately before every attempt, so pacing counts the moment the request leaves. A stop
                // while waiting here ends the call with SendStoppedException: nothing left.
                var ticket = await policy.BeforeAttemptAsync(isSend, context?.Order, cancellationToken).ConfigureAwait(false);
                int status;
                string text;
                HttpResponseHeaders headers;
                HttpExchange exchange;
                JsonElement? root;
                string? message = null;
                AttemptVerdict verdict = default;
                try
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    exchange = new HttpExchange
                    {
                        Method = method.Method,
                        Path = uri.PathAndQuery,
                        Attempt = attempt,
                        RequestBody = body == null || _options.Log == null ? null : Encoding.UTF8.GetString(body),
                    };
                    var onWire = ticket.PaceSequence > 0 ? () => policy.OnWire(ticket) : (Action?)null;
                    (status, text, headers) = await ExchangeAsync(method, uri, body, onWire, exchange, cancellationToken).ConfigureAwait(false);
                    root = TryParse(text);
                    if (status == 429)
                    {
                        message = root.HasValue ? JsonFields.GetString(root.Value, "message") ?? JsonFields.GetString(root.Value, "error") : PrintableText.Of(text);
                        var raw = headers.TryGetValues("Retry-After", out var values) ? string.Join(",", values) : null;
                        var named = RateLimitNotice.WaitFor(headers.RetryAfter, raw, message, _options.Clock.UtcNow);
                        verdict = policy.RateLimited(ticket, new RateLimitAnswer(attempt, named, _options.DefaultRateLimitWait, _options.MaxRateLimitWait, _options.MaxRateLimitRetries));
                    }
                    else
                    {
                        policy.Answered(ticket);
                    }
                }
                finally
                {
                    policy.Ended(ticket);
                }

                var requestId = root.HasValue ? JsonFields.GetId(root.Value, "request_id") : null;
                exchange.RequestId = requestId;
                _options.Log?.Invoke(exchange);
                if (status >= 300 && status < 400) throw _failures.Redirected(method, uri, status, headers.Location);
                if (status == 407) throw _failures.ProxyRefused(method, uri, null);

                if (status == 429)
                {
                    if (verdict.FailFix != null) throw _failures.RateLimited(message, status, requestId, verdict.FailFix);
                    _options.RateLimitWait?.Invoke(verdict.Wait);
                    if (verdict.Sleep > TimeSpan.Zero) await _options.Clock.Delay(verdict.Sleep, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (status >= 200 && status < 300)
                {
                    // Reads may answer a bare array (the WhatsApp message listing); a send answer is always an object.
                    var readable = root.HasValue && (root.Value.ValueKind == JsonValueKind.Object ||
                                                     (method == HttpMethod.Get && root.Value.ValueKind == JsonValueKind.Array));
                    if (!readable)
                    {
                        throw _failures.Error(new ApiErrorInfo
                        {
                            Name = ErrorNames.InvalidResponse,
                            Kind = method == HttpMethod.Post ? OctopodsErrorKind.OutcomeUnknown : OctopodsErrorKind.ProtocolError,
                            Text = $"The service answered HTTP {status} but its body is not a JSON object: {ExchangeFailures.Truncate(text)}",
                            Fix = method == HttpMethod.Post
                                ? "The request was accepted, so the message was probably sent; it was not sent again. Check the channel's conversation history before re-sending."
                                : "Try again; if it persists, quote the answer to Octopods support.",
                            HttpStatus = status,
                        });
                    }
                    return new ApiResponse(status, root!.Value, text, requestId);
                }

                throw _failures.Error(_failures.DescribeFailure(status, root, text, requestId, operation, method));
            }
        }

        private async Task<(int status, string text, HttpResponseHeaders headers)> ExchangeAsync(
            HttpMethod method, Uri uri, byte[]? body, Action? onWire, HttpExchange exchange, CancellationToken cancellationToken)
        {
            using var request = new HttpRequestMessage(method, uri);
            request.Headers.TryAddWithoutValidation(AuthHeader, _options.ApiKey.Reveal());
            // The header as it goes out, for -Debug: redacted like everything else that is logged.
            exchange.AuthHeader = _options.ApiKey.Redact(string.Join(", ", request.Headers.GetValues(AuthHeader)));
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            // Whether a byte of the body was written: a POST whose body never left cannot have been taken,
            // whatever failed before (a proxy's tunnel, a connection, a timeout while waiting for one).
            var bodyWritten = false;
            if (body != null)
            {
                request.Content = new WireTimedContent(body, () =>
                {
                    bodyWritten = true;
                    onWire?.Invoke();
                });
                request.Content.Headers.ContentType = JsonType;
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.RequestTimeout);
            var watch = Stopwatch.StartNew();
            try
            {
                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
                // A service may echo the key (an error naming the key it refused): it is redacted here,
                // before the answer reaches a log, an error message, a result's RawResponse or a journal.
                var text = _options.ApiKey.Redact(await ReadBoundedAsync(response, method, uri, timeout.Token).ConfigureAwait(false));
                exchange.StatusCode = (int)response.StatusCode;
                exchange.Duration = watch.Elapsed;
                exchange.ResponseBody = text;
                return ((int)response.StatusCode, text, response.Headers);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex) when (ex is OperationCanceledException || ex is HttpRequestException || ex is IOException)
            {
                exchange.Duration = watch.Elapsed;
                if (ExchangeFailures.IsProxyRefusal(ex))
                {
                    exchange.Failure = "proxy refused (HTTP 407)";
                    _options.Log?.Invoke(exchange);
                    throw _failures.ProxyRefused(method, uri, ex);
                }
                var timedOut = ex is OperationCanceledException;
                var notSent = (body != null && !Volatile.Read(ref bodyWritten)) || (!timedOut && ExchangeFailures.NeverReachedServer(ex));
                exchange.Failure = timedOut ? "timeout" : notSent ? "connection failed" : "connection lost";
                _options.Log?.Invoke(exchange);
                throw _failures.TransportFailure(method, uri, ex, timedOut, notSent);
            }
        }

        /// <summary>The answer's text, refusing one longer than <see cref="OctopodsClientOptions.MaxResponseBytes"/> before it fills memory.</summary>
        private async Task<string> ReadBoundedAsync(HttpResponseMessage response, HttpMethod method, Uri uri, CancellationToken cancellationToken)
        {
            if (response.Content == null) return "";
            var max = _options.MaxResponseBytes;
            if (response.Content.Headers.ContentLength > max) throw _failures.TooLarge(method, uri, (int)response.StatusCode, response.Content.Headers.ContentLength);
            using var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
            using var buffer = new MemoryStream();
            // Every request reads through this: a pooled chunk, not a new array per answer.
            var chunk = System.Buffers.ArrayPool<byte>.Shared.Rent(4096);
            try
            {
                int read;
                while ((read = await stream.ReadAsync(chunk, 0, chunk.Length, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    if (buffer.Length + read > max) throw _failures.TooLarge(method, uri, (int)response.StatusCode, null);
                    buffer.Write(chunk, 0, read);
                }
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(chunk);
            }
            var charset = response.Content.Headers.ContentType?.CharSet?.Trim('"');
            Encoding encoding;
            try { encoding = string.IsNullOrEmpty(charset) ? Encoding.UTF8 : Encoding.GetEncoding(charset); }
            catch (ArgumentException) { encoding = Encoding.UTF8; }
            return encoding.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }

        /// <summary>
        /// The SMS API article (docs/dev/api-contract.md#sms-api-article-intercom-and-hubspot) shows both of
        /// its answers ending in a trailing comma (<c>"request_id": "…",}</c>): read such a body rather than
        /// call an accepted send "outcome unknown".
        /// </summary>
        private static readonly JsonDocumentOptions Lenient = new JsonDocumentOptions { AllowTrailingCommas = true };

        private static JsonElement? TryParse(string text)
        {
            if (string.IsNullOrWhiteSpace(text)) return null;
            try
            {
                using var document = JsonDocument.Parse(text, Lenient);
                return document.RootElement.Clone();
            }
            catch (JsonException)
            {
                return null;
            }
        }

    }
}

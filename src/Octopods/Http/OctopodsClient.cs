using System;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Octopods.Errors;
using Octopods.Json;

namespace Octopods.Http
{
    /// <summary>
    /// The transport for one channel key: authentication header, timeouts, 429 waits (alone, or
    /// shared through a bulk run's <see cref="SendGate"/>), redaction of the key from everything the
    /// service answers and everything logged, and the translation of every failure into a named
    /// <see cref="OctopodsException"/>.
    /// A POST is repeated only after a 429 (the service took nothing); any failure that leaves the
    /// outcome unknown is reported, never retried: a duplicate SMS is worse than a missing one.
    /// </summary>
    public sealed class OctopodsClient
    {
        public const string AuthHeader = "X-Octopods-Auth";
        private static readonly MediaTypeHeaderValue JsonType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };

        private readonly OctopodsClientOptions _options;
        private readonly HttpClient _http;

        public OctopodsClient(OctopodsClientOptions options)
        {
            _options = options ?? throw new ArgumentNullException(nameof(options));
            _http = HttpClientCache.For(options.BaseUri, options.Handler);
        }

        public OctopodsClientOptions Options => _options;

        public Task<ApiResponse> PostAsync(string path, byte[] jsonBody, ApiOperation operation, CancellationToken cancellationToken) =>
            SendAsync(HttpMethod.Post, path, jsonBody, operation, cancellationToken);

        public Task<ApiResponse> GetAsync(string path, ApiOperation operation, CancellationToken cancellationToken) =>
            SendAsync(HttpMethod.Get, path, null, operation, cancellationToken);

        private async Task<ApiResponse> SendAsync(HttpMethod method, string path, byte[]? body, ApiOperation operation, CancellationToken cancellationToken)
        {
            var uri = new Uri(_options.BaseUri, path.TrimStart('/'));
            for (var attempt = 1; ; attempt++)
            {
                // Bulk: immediately before every attempt, wait out a pause another request's 429 set and
                // (for a send) take the pacer's turn, so pacing counts the moment the request leaves. A stop
                // while waiting here ends the call with SendStoppedException: nothing left.
                if (_options.Gate is { } shared) await shared.BeforeSendAsync(paced: method == HttpMethod.Post, cancellationToken).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                var exchange = new HttpExchange
                {
                    Method = method.Method,
                    Path = uri.PathAndQuery,
                    Attempt = attempt,
                    RequestBody = body == null || _options.Log == null ? null : Encoding.UTF8.GetString(body),
                };
                var (status, text, headers) = await ExchangeAsync(method, uri, body, exchange, cancellationToken).ConfigureAwait(false);

                JsonElement? root = TryParse(text);
                var requestId = root.HasValue ? JsonFields.GetString(root.Value, "request_id") : null;
                exchange.RequestId = requestId;
                _options.Log?.Invoke(exchange);

                if (status == 429)
                {
                    var message = root.HasValue ? JsonFields.GetString(root.Value, "message") ?? JsonFields.GetString(root.Value, "error") : text;
                    var wait = RateLimitNotice.WaitFor(headers.RetryAfter, message, _options.Clock.UtcNow) ?? _options.DefaultRateLimitWait;
                    if (attempt > _options.MaxRateLimitRetries || wait > _options.MaxRateLimitWait)
                    {
                        // The other workers must not keep trying either: a wait too long to sit out blocks the
                        // run's remaining sends until then (they fail without a request); at the retry cap the
                        // others still pause as the service asked.
                        if (_options.Gate is { } refused)
                        {
                            if (wait > _options.MaxRateLimitWait) refused.Block(wait);
                            else refused.Pause(wait);
                        }
                        throw Error(new ApiErrorInfo
                        {
                            Name = ErrorNames.RateLimited,
                            Kind = OctopodsErrorKind.LimitsExceeded,
                            Text = message ?? "Too many requests",
                            Fix = attempt > _options.MaxRateLimitRetries
                                ? $"The service refused {attempt} attempts in a row; nothing was sent. Run again later or send more slowly."
                                : $"The service asks for a pause of {wait.TotalSeconds:0} s, longer than the {_options.MaxRateLimitWait.TotalSeconds:0} s allowed; nothing was sent. Run again after that time.",
                            HttpStatus = status,
                            RequestId = requestId,
                        });
                    }
                    _options.RateLimitWait?.Invoke(wait);
                    if (_options.Gate is { } gate)
                    {
                        // Everyone sharing the gate waits, so the workers do not keep hammering a service that
                        // said stop; the retry waits for the gate (and its pacer) at the top of the loop.
                        gate.Pause(wait);
                    }
                    else
                    {
                        await _options.Clock.Delay(wait, cancellationToken).ConfigureAwait(false);
                    }
                    continue;
                }

                if (status >= 200 && status < 300)
                {
                    // Reads may answer a bare array (the WhatsApp message listing); a send answer is always an object.
                    var readable = root.HasValue && (root.Value.ValueKind == JsonValueKind.Object ||
                                                     (method == HttpMethod.Get && root.Value.ValueKind == JsonValueKind.Array));
                    if (!readable)
                    {
                        throw Error(new ApiErrorInfo
                        {
                            Name = ErrorNames.InvalidResponse,
                            Kind = method == HttpMethod.Post ? OctopodsErrorKind.OutcomeUnknown : OctopodsErrorKind.ProtocolError,
                            Text = $"The service answered HTTP {status} but its body is not a JSON object: {Truncate(text)}",
                            Fix = method == HttpMethod.Post
                                ? "The request was accepted, so the message was probably sent; it was not sent again. Check the channel's conversation history before re-sending."
                                : "Try again; if it persists, quote the answer to Octopods support.",
                            HttpStatus = status,
                        });
                    }
                    return new ApiResponse(status, root!.Value, text, requestId);
                }

                throw Error(DescribeFailure(status, root, text, requestId, operation, method));
            }
        }

        private async Task<(int status, string text, HttpResponseHeaders headers)> ExchangeAsync(
            HttpMethod method, Uri uri, byte[]? body, HttpExchange exchange, CancellationToken cancellationToken)
        {
            using var request = new HttpRequestMessage(method, uri);
            request.Headers.TryAddWithoutValidation(AuthHeader, _options.ApiKey.Reveal());
            // The header as it goes out, for -Debug: redacted like everything else that is logged.
            exchange.AuthHeader = _options.ApiKey.Redact(string.Join(", ", request.Headers.GetValues(AuthHeader)));
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            if (body != null)
            {
                request.Content = new ByteArrayContent(body);
                request.Content.Headers.ContentType = JsonType;
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.RequestTimeout);
            var watch = Stopwatch.StartNew();
            try
            {
                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
                // A service may echo the key (an error naming the key it refused): it is redacted here,
                // before the answer reaches a log, an error message, a result's RawResponse or a journal.
                var text = _options.ApiKey.Redact(response.Content == null ? "" : await response.Content.ReadAsStringAsync().ConfigureAwait(false));
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
                var timedOut = ex is OperationCanceledException;
                var notSent = !timedOut && NeverReachedServer(ex);
                exchange.Failure = timedOut ? "timeout" : notSent ? "connection failed" : "connection lost";
                _options.Log?.Invoke(exchange);
                throw TransportFailure(method, uri, ex, timedOut, notSent);
            }
        }

        private OctopodsException TransportFailure(HttpMethod method, Uri uri, Exception ex, bool timedOut, bool notSent)
        {
            var what = $"{method.Method} {uri.AbsolutePath}";
            if (notSent)
            {
                return new OctopodsException(ErrorNames.ConnectionFailed, OctopodsErrorKind.ConnectionError,
                    $"Could not connect to {uri.GetLeftPart(UriPartial.Authority)} for {what}: {ex.GetBaseException().Message}",
                    "Nothing was sent, so it is safe to run again. Check the network, proxy and -BaseUri.", ex);
            }
            if (method == HttpMethod.Post)
            {
                return new OctopodsException(ErrorNames.OutcomeUnknown, OctopodsErrorKind.OutcomeUnknown,
                    timedOut
                        ? $"No answer to {what} within {_options.RequestTimeout.TotalSeconds:0.#} s"
                        : $"The connection failed during {what}: {ex.GetBaseException().Message}",
                    "The message may or may not have been sent, so it was not sent again. Check the conversation in your inbox before re-sending.", ex);
            }
            return timedOut
                ? new OctopodsException(ErrorNames.Timeout, OctopodsErrorKind.Timeout,
                    $"No answer to {what} within {_options.RequestTimeout.TotalSeconds:0.#} s", "Try again; nothing was changed.", ex)
                : new OctopodsException(ErrorNames.ConnectionFailed, OctopodsErrorKind.ConnectionError,
                    $"The connection failed during {what}: {ex.GetBaseException().Message}", "Try again; nothing was changed.", ex);
        }

        /// <summary>True when the failure happened before a byte of the request could reach the server.</summary>
        private static bool NeverReachedServer(Exception ex)
        {
            for (var e = ex; e != null; e = e.InnerException)
            {
                if (e is SocketException socket &&
                    (socket.SocketErrorCode == SocketError.ConnectionRefused ||
                     socket.SocketErrorCode == SocketError.HostNotFound ||
                     socket.SocketErrorCode == SocketError.NetworkUnreachable ||
                     socket.SocketErrorCode == SocketError.HostUnreachable ||
                     socket.SocketErrorCode == SocketError.TryAgain))
                    return true;
                if (e is WebException web &&
                    (web.Status == WebExceptionStatus.ConnectFailure || web.Status == WebExceptionStatus.NameResolutionFailure))
                    return true;
            }
            return false;
        }

        private ApiErrorInfo DescribeFailure(int status, JsonElement? root, string text, string? requestId, ApiOperation operation, HttpMethod method)
        {
            var info = new ApiErrorInfo { HttpStatus = status, RequestId = requestId, Channel = _options.Channel };
            var apiText = root.HasValue
                ? JsonFields.GetString(root.Value, "error") ?? JsonFields.GetString(root.Value, "message") ?? JsonFields.GetString(root.Value, "error_message")
                : null;
            info.Code = root.HasValue ? JsonFields.GetInt(root.Value, "error_code") : null;
            info.Text = apiText ?? (string.IsNullOrWhiteSpace(text) ? $"HTTP {status}" : Truncate(text));

            if (status == 401 || status == 403)
            {
                info.Name = ErrorNames.Unauthorized;
                info.Kind = OctopodsErrorKind.Authentication;
                info.Fix = $"The {_options.Channel} key was refused: copy the key of this {_options.Channel} channel from its settings screen in the Octopods app (a key of another channel does not work) and connect again.";
                return info;
            }
            if (info.Code.HasValue && ErrorCatalog.Find(_options.Channel, operation, info.Code.Value) is { } entry)
            {
                info.Name = entry.Name;
                info.Kind = entry.Kind;
                info.Fix = entry.Fix;
                return info;
            }
            if (status == 404)
            {
                info.Name = ErrorNames.MessageNotFound;
                info.Kind = OctopodsErrorKind.NotFound;
                info.Fix = "Check the id, and that it belongs to this channel's key.";
                return info;
            }
            if (status >= 500)
            {
                info.Name = ErrorNames.ServerError;
                info.Kind = method == HttpMethod.Post ? OctopodsErrorKind.OutcomeUnknown : OctopodsErrorKind.ServerError;
                info.Fix = method == HttpMethod.Post
                    ? "The service failed while handling the send, so it may or may not have gone out; it was not sent again. Check the conversation before re-sending, and quote the request_id to Octopods support."
                    : "Try again later; quote the request_id to Octopods support if it persists.";
                return info;
            }
            info.Name = ErrorNames.ApiError;
            info.Kind = OctopodsErrorKind.InvalidArgument;
            info.Fix = "Quote the request_id to Octopods support if the text does not say what to change.";
            return info;
        }

        private OctopodsException Error(ApiErrorInfo info)
        {
            info.Channel = _options.Channel;
            return OctopodsException.FromApi(info);
        }

        private static JsonElement? TryParse(string text)
        {
            if (string.IsNullOrWhiteSpace(text)) return null;
            try
            {
                using var document = JsonDocument.Parse(text);
                return document.RootElement.Clone();
            }
            catch (JsonException)
            {
                return null;
            }
        }

        private static string Truncate(string text) => text.Length <= 200 ? text : text.Substring(0, 200) + "…";
    }
}

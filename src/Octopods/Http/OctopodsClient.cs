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
using Octopods.FlowControl;
using Octopods.Json;

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

        public OctopodsClient(OctopodsClientOptions options)
        {
            _options = options ?? throw new ArgumentNullException(nameof(options));
            _http = HttpClientCache.For(options.BaseUri, options.Handler, options.Proxy);
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
                        message = root.HasValue ? JsonFields.GetString(root.Value, "message") ?? JsonFields.GetString(root.Value, "error") : text;
                        var named = RateLimitNotice.WaitFor(headers.RetryAfter, message, _options.Clock.UtcNow);
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

                var requestId = root.HasValue ? JsonFields.GetString(root.Value, "request_id") : null;
                exchange.RequestId = requestId;
                _options.Log?.Invoke(exchange);
                if (status >= 300 && status < 400) throw Redirected(method, uri, status, headers.Location);
                if (status == 407) throw ProxyRefused(method, uri, null);

                if (status == 429)
                {
                    if (verdict.FailFix != null) throw RateLimited(message, status, requestId, verdict.FailFix);
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

        private OctopodsException RateLimited(string? message, int status, string? requestId, string fix) => Error(new ApiErrorInfo
        {
            Name = ErrorNames.RateLimited,
            Kind = OctopodsErrorKind.LimitsExceeded,
            Text = message ?? "Too many requests",
            Fix = fix,
            HttpStatus = status,
            RequestId = requestId,
        });

        /// <summary>API calls never follow a redirect: the key would go with it, and a POST turned into a GET would look sent.</summary>
        private OctopodsException Redirected(HttpMethod method, Uri uri, int status, Uri? location)
        {
            var target = location == null ? "nowhere" : (location.IsAbsoluteUri ? location : new Uri(uri, location)).GetLeftPart(UriPartial.Path);
            if (status == 303 && method == HttpMethod.Post)
            {
                // "See other" answers a request that was processed: the message may have gone out.
                return new OctopodsException(ErrorNames.Redirected, OctopodsErrorKind.OutcomeUnknown,
                    $"{_options.BaseUri.GetLeftPart(UriPartial.Authority)} answered {method.Method} {uri.AbsolutePath} with HTTP 303, pointing to {target}, which is not followed",
                    "The message may or may not have been sent, so it was not sent again. Check the conversation, and -BaseUri (OCTOPODS_BASE_URI).");
            }
            return new OctopodsException(ErrorNames.Redirected, OctopodsErrorKind.InvalidArgument,
                $"{_options.BaseUri.GetLeftPart(UriPartial.Authority)} answered {method.Method} {uri.AbsolutePath} with HTTP {status}, a redirect to {target}; API calls do not follow redirects, so nothing was sent there",
                "Nothing was sent, so it is safe to run again. Check -BaseUri (OCTOPODS_BASE_URI): give the service root itself, e.g. https://app.octopods.io, not an address that forwards elsewhere.");
        }

        private async Task<(int status, string text, HttpResponseHeaders headers)> ExchangeAsync(
            HttpMethod method, Uri uri, byte[]? body, Action? onWire, HttpExchange exchange, CancellationToken cancellationToken)
        {
            using var request = new HttpRequestMessage(method, uri);
            request.Headers.TryAddWithoutValidation(AuthHeader, _options.ApiKey.Reveal());
            // The header as it goes out, for -Debug: redacted like everything else that is logged.
            exchange.AuthHeader = _options.ApiKey.Redact(string.Join(", ", request.Headers.GetValues(AuthHeader)));
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            if (body != null)
            {
                request.Content = onWire != null ? new WireTimedContent(body, onWire) : new ByteArrayContent(body);
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
                if (IsProxyRefusal(ex))
                {
                    exchange.Failure = "proxy refused (HTTP 407)";
                    _options.Log?.Invoke(exchange);
                    throw ProxyRefused(method, uri, ex);
                }
                var timedOut = ex is OperationCanceledException;
                var notSent = !timedOut && NeverReachedServer(ex);
                exchange.Failure = timedOut ? "timeout" : notSent ? "connection failed" : "connection lost";
                _options.Log?.Invoke(exchange);
                throw TransportFailure(method, uri, ex, timedOut, notSent);
            }
        }

        /// <summary>The answer's text, refusing one longer than <see cref="OctopodsClientOptions.MaxResponseBytes"/> before it fills memory.</summary>
        private async Task<string> ReadBoundedAsync(HttpResponseMessage response, HttpMethod method, Uri uri, CancellationToken cancellationToken)
        {
            if (response.Content == null) return "";
            var max = _options.MaxResponseBytes;
            if (response.Content.Headers.ContentLength > max) throw TooLarge(method, uri, (int)response.StatusCode, response.Content.Headers.ContentLength);
            using var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
            using var buffer = new MemoryStream();
            // Every request reads through this: a pooled chunk, not a new array per answer.
            var chunk = System.Buffers.ArrayPool<byte>.Shared.Rent(4096);
            try
            {
                int read;
                while ((read = await stream.ReadAsync(chunk, 0, chunk.Length, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    if (buffer.Length + read > max) throw TooLarge(method, uri, (int)response.StatusCode, null);
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

        private OctopodsException TooLarge(HttpMethod method, Uri uri, int status, long? length)
        {
            var what = $"{method.Method} {uri.AbsolutePath}";
            var size = length.HasValue ? $"{length.Value:N0} bytes" : $"more than {_options.MaxResponseBytes:N0} bytes";
            // Only a send the service may have taken (2xx, 5xx, or no status worth trusting) is unknown; a 4xx took nothing.
            var mayHaveTaken = status < 300 || status >= 500;
            return method == HttpMethod.Post && mayHaveTaken
                ? new OctopodsException(ErrorNames.ResponseTooLarge, OctopodsErrorKind.OutcomeUnknown,
                    $"The answer to {what} (HTTP {status}) is {size}, far beyond any answer of the API; it was not read",
                    "The message may or may not have been sent, so it was not sent again. Check the conversation before re-sending, and -BaseUri or the proxy in between.")
                : new OctopodsException(ErrorNames.ResponseTooLarge, OctopodsErrorKind.ProtocolError,
                    $"The answer to {what} (HTTP {status}) is {size}, far beyond any answer of the API; it was not read",
                    "Check -BaseUri and any proxy in between; nothing was changed.");
        }

        // A proxy address may carry user:password@ (HTTPS_PROXY does): never in a message.
        private static string ServerOnly(Uri address) => address.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped);

        private static string WithoutUserInfo(string text) =>
            System.Text.RegularExpressions.Regex.Replace(text, @"(?<=://)[^/@\s'""]+@", "");

        private OctopodsException TransportFailure(HttpMethod method, Uri uri, Exception ex, bool timedOut, bool notSent)
        {
            var what = $"{method.Method} {uri.AbsolutePath}";
            if (notSent)
            {
                return new OctopodsException(ErrorNames.ConnectionFailed, OctopodsErrorKind.ConnectionError,
                    $"Could not connect to {uri.GetLeftPart(UriPartial.Authority)} for {what}: {WithoutUserInfo(ex.GetBaseException().Message)}",
                    "Nothing was sent, so it is safe to run again. Check the network, proxy and -BaseUri.", ex);
            }
            if (method == HttpMethod.Post)
            {
                return new OctopodsException(ErrorNames.OutcomeUnknown, OctopodsErrorKind.OutcomeUnknown,
                    timedOut
                        ? $"No answer to {what} within {_options.RequestTimeout.TotalSeconds:0.#} s"
                        : $"The connection failed during {what}: {WithoutUserInfo(ex.GetBaseException().Message)}",
                    "The message may or may not have been sent, so it was not sent again. Check the conversation in your inbox before re-sending.", ex);
            }
            return timedOut
                ? new OctopodsException(ErrorNames.Timeout, OctopodsErrorKind.Timeout,
                    $"No answer to {what} within {_options.RequestTimeout.TotalSeconds:0.#} s", "Try again; nothing was changed.", ex)
                : new OctopodsException(ErrorNames.ConnectionFailed, OctopodsErrorKind.ConnectionError,
                    $"The connection failed during {what}: {WithoutUserInfo(ex.GetBaseException().Message)}", "Try again; nothing was changed.", ex);
        }

        /// <summary>
        /// A proxy answered 407, so the request went no further: nothing reached the service, whatever
        /// the method. Plain-http requests get the proxy's answer back; an https request's tunnel
        /// (CONNECT) refused with 407 ends in an exception, which .NET words "The proxy tunnel request
        /// to proxy '…' failed with status code '407'." (its only sign on netstandard2.0; .NET
        /// Framework reports the proxy's answer as a WebException instead).
        /// </summary>
        private OctopodsException ProxyRefused(HttpMethod method, Uri uri, Exception? inner)
        {
            var proxy = _options.Proxy;
            var what = $"{method.Method} {uri.AbsolutePath}";
            var who = proxy.Mode switch
            {
                ProxyMode.Address => $"The proxy {ServerOnly(proxy.Address!)}",
                ProxyMode.System => SystemProxyFor(uri) is { } found ? $"The system proxy {ServerOnly(found)}" : "The system proxy",
                _ => $"A proxy in front of {uri.GetLeftPart(UriPartial.Authority)} (none is configured)",
            };
            if (proxy.Credentials == null)
            {
                return new OctopodsException(ErrorNames.ProxyAuthenticationRequired, OctopodsErrorKind.Authentication,
                    $"{who} asks for credentials (HTTP 407) before it forwards {what}; nothing reached Octopods",
                    "Nothing was sent, so it is safe to run again once the proxy has credentials: store them once " +
                    "(Set-Secret -Name OctopodsProxy -Secret (Get-Credential)) and run Set-OctopodsConfiguration -ProxySecretName OctopodsProxy, " +
                    "or Set-OctopodsConfiguration -ProxyUseDefaultCredentials for a proxy that accepts your Windows sign-in.", inner);
            }
            return new OctopodsException(ErrorNames.ProxyAuthenticationRequired, OctopodsErrorKind.Authentication,
                $"{who} refused {proxy.CredentialOrigin} (HTTP 407) for {what}; nothing reached Octopods",
                "Nothing was sent, so it is safe to run again with the right credentials: check the user name (DOMAIN\\user if the proxy wants a domain) " +
                "and the password, and store them again (Set-Secret -Name <secret> -Secret (Get-Credential)). Get-OctopodsConfiguration shows which credentials are used.", inner);
        }

        private static readonly System.Text.RegularExpressions.Regex ProxyStatus407 =
            new System.Text.RegularExpressions.Regex(@"\bproxy\b.*\b407\b", System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant);

        private static bool IsProxyRefusal(Exception ex)
        {
            for (var e = ex; e != null; e = e.InnerException)
            {
                if (e is HttpRequestException && ProxyStatus407.IsMatch(e.Message)) return true;
                if (e is WebException { Response: HttpWebResponse response } && (int)response.StatusCode == 407) return true;
            }
            return false;
        }

        /// <summary>The system proxy's address for <paramref name="uri"/>, to name it; null when unknown or bypassed.</summary>
        private static Uri? SystemProxyFor(Uri uri)
        {
            try
            {
                var system = WebRequest.DefaultWebProxy;
                return system == null || system.IsBypassed(uri) ? null : system.GetProxy(uri);
            }
            catch (Exception ex) when (ex is InvalidOperationException || ex is PlatformNotSupportedException || ex is NotSupportedException)
            {
                return null;
            }
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
                // A TLS handshake that fails (an untrusted certificate) ends before the request is written.
                if (e is System.Security.Authentication.AuthenticationException) return true;
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
            if (status == 404 && method == HttpMethod.Post)
            {
                // A send's address names no message: a 404 there is the wrong endpoint, not a missing id.
                info.Name = ErrorNames.EndpointNotFound;
                info.Kind = OctopodsErrorKind.NotFound;
                info.Fix = "Nothing was sent. Check -BaseUri (the service root, e.g. https://app.octopods.io), and for a template send that -TemplateId exists for this channel.";
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

        private static string Truncate(string text) => text.Length <= 200 ? text : text.Substring(0, 200) + "…";
    }
}

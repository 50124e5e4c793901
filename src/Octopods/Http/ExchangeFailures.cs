using System;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text.Json;
using Octopods.Errors;
using Octopods.Json;
using Octopods.Text;

namespace Octopods.Http
{
    /// <summary>
    /// Every failure of an exchange named for what failed, with its fix: an API error by its channel's
    /// catalogue, a redirect, a proxy's refusal, a transport failure (and whether the send certainly
    /// did not reach the service or may have), an answer too large. The client throws what this makes.
    /// </summary>
    internal sealed class ExchangeFailures
    {
        private readonly OctopodsClientOptions _options;

        public ExchangeFailures(OctopodsClientOptions options)
        {
            _options = options;
        }

        public OctopodsException RateLimited(string? message, int status, string? requestId, string fix) => Error(new ApiErrorInfo
        {
            Name = ErrorNames.RateLimited,
            Kind = OctopodsErrorKind.LimitsExceeded,
            Text = message ?? "Too many requests",
            Fix = fix,
            HttpStatus = status,
            RequestId = requestId,
        });

        /// <summary>API calls never follow a redirect: the key would go with it, and a POST turned into a GET would look sent.</summary>
        public OctopodsException Redirected(HttpMethod method, Uri uri, int status, Uri? location)
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

        public OctopodsException TooLarge(HttpMethod method, Uri uri, int status, long? length)
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

        public OctopodsException TransportFailure(HttpMethod method, Uri uri, Exception ex, bool timedOut, bool notSent)
        {
            var what = $"{method.Method} {uri.AbsolutePath}";
            var why = timedOut ? $"no answer within {_options.RequestTimeout.TotalSeconds:0.#} s" : TransportSecurity.WithoutUserInfo(ex.GetBaseException().Message);
            // Through a proxy, a failure before the request left is the proxy's: it is named, not the service.
            // (A TLS failure is the service's own certificate, seen through the tunnel: not the proxy's.)
            if (notSent && !(ex.GetBaseException() is System.Security.Authentication.AuthenticationException) && ProxyFor(uri) is { } proxy)
            {
                var tunnel = ProxyTunnelStatus.Match(ex.ToString());
                return new OctopodsException(ErrorNames.ProxyFailed, OctopodsErrorKind.ConnectionError,
                    tunnel.Success
                        ? $"{proxy} refused the tunnel to {uri.Authority} with HTTP {tunnel.Groups[1].Value} for {what}; nothing reached Octopods"
                        : $"{proxy} could not be used for {what} ({why}); nothing reached Octopods",
                    "Nothing was sent, so it is safe to run again: check the proxy (Get-OctopodsConfiguration shows which one is used), " +
                    "or set another with Set-OctopodsConfiguration -Proxy.", ex);
            }
            if (notSent)
            {
                return new OctopodsException(ErrorNames.ConnectionFailed, OctopodsErrorKind.ConnectionError,
                    $"Could not connect to {uri.GetLeftPart(UriPartial.Authority)} for {what}: {why}",
                    "Nothing was sent, so it is safe to run again. Check the network, proxy and -BaseUri.", ex);
            }
            if (method == HttpMethod.Post)
            {
                return new OctopodsException(ErrorNames.OutcomeUnknown, OctopodsErrorKind.OutcomeUnknown,
                    timedOut
                        ? $"No answer to {what} within {_options.RequestTimeout.TotalSeconds:0.#} s"
                        : $"The connection failed during {what}: {TransportSecurity.WithoutUserInfo(ex.GetBaseException().Message)}",
                    "The message may or may not have been sent, so it was not sent again. Check the conversation in your inbox before re-sending.", ex);
            }
            return timedOut
                ? new OctopodsException(ErrorNames.Timeout, OctopodsErrorKind.Timeout,
                    $"No answer to {what} within {_options.RequestTimeout.TotalSeconds:0.#} s", "Try again; nothing was changed.", ex)
                : new OctopodsException(ErrorNames.ConnectionFailed, OctopodsErrorKind.ConnectionError,
                    $"The connection failed during {what}: {TransportSecurity.WithoutUserInfo(ex.GetBaseException().Message)}", "Try again; nothing was changed.", ex);
        }

        /// <summary>
        /// A proxy answered 407, so the request went no further: nothing reached the service, whatever
        /// the method. Plain-http requests get the proxy's answer back; an https request's tunnel
        /// (CONNECT) refused with 407 ends in an exception, which .NET words "The proxy tunnel request
        /// to proxy '…' failed with status code '407'." (its only sign on netstandard2.0; .NET
        /// Framework reports the proxy's answer as a WebException instead).
        /// </summary>
        public OctopodsException ProxyRefused(HttpMethod method, Uri uri, Exception? inner)
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

        /// <summary>.NET's words for a tunnel (CONNECT) a proxy answered with an error: "The proxy tunnel request to proxy '…' failed with status code '502'."</summary>
        private static readonly System.Text.RegularExpressions.Regex ProxyTunnelStatus =
            new System.Text.RegularExpressions.Regex(@"proxy tunnel request.*?status code '?(\d{3})", System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant);

        /// <summary>"The proxy http://proxy:8080" or "The system proxy http://…" when requests to <paramref name="uri"/> go through one; null when they go direct.</summary>
        private string? ProxyFor(Uri uri)
        {
            var proxy = _options.Proxy;
            return proxy.Mode switch
            {
                ProxyMode.Address => proxy.IsBypassed(uri) ? null : $"The proxy {ServerOnly(proxy.Address!)}",
                ProxyMode.System => SystemProxyFor(uri) is { } found && found != uri ? $"The system proxy {ServerOnly(found)}" : null,
                _ => null,
            };
        }

        private static readonly System.Text.RegularExpressions.Regex ProxyStatus407 =
            new System.Text.RegularExpressions.Regex(@"\bproxy\b.*\b407\b", System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant);

        public static bool IsProxyRefusal(Exception ex)
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
        public static bool NeverReachedServer(Exception ex)
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

        public ApiErrorInfo DescribeFailure(int status, JsonElement? root, string text, string? requestId, ApiOperation operation, HttpMethod method)
        {
            var info = new ApiErrorInfo { HttpStatus = status, RequestId = requestId, Channel = _options.Channel };
            var apiText = root.HasValue
                ? JsonFields.GetString(root.Value, "error") ?? JsonFields.GetString(root.Value, "message") ?? JsonFields.GetString(root.Value, "error_message")
                : null;
            info.Code = root.HasValue ? JsonFields.GetInt(root.Value, "error_code") : null;
            info.Text = apiText ?? (string.IsNullOrWhiteSpace(text) ? $"HTTP {status}" : Truncate(PrintableText.Of(text)!));

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

        public OctopodsException Error(ApiErrorInfo info)
        {
            info.Channel = _options.Channel;
            return OctopodsException.FromApi(info);
        }

        public static string Truncate(string text) => text.Length <= 200 ? text : text.Substring(0, 200) + "…";
    }
}

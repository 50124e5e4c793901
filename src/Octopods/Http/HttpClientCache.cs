using System;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Http;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Octopods.Http
{
    /// <summary>
    /// One HttpClient per base address and route (<see cref="ProxySettings.CacheKey"/>) for the life of
    /// the process, so connections are pooled and sockets are not exhausted by scripts that call a
    /// command thousands of times, while two proxy settings (or two proxy credentials) never share a
    /// handler. The key is sent per request, never set as a default header, so clients are safely
    /// shared between keys.
    /// </summary>
    internal static class HttpClientCache
    {
        private static readonly ConcurrentDictionary<string, HttpClient> ByAddress = new ConcurrentDictionary<string, HttpClient>(StringComparer.OrdinalIgnoreCase);
        private static readonly ConditionalWeakTable<HttpMessageHandler, HttpClient> ByHandler = new ConditionalWeakTable<HttpMessageHandler, HttpClient>();

        static HttpClientCache()
        {
            // Windows PowerShell's .NET Framework may default to TLS 1.0: add 1.2, keep whatever else is enabled.
            if (RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal))
                ServicePointManager.SecurityProtocol |= SecurityProtocolType.Tls12;
        }

        public static HttpClient For(Uri baseUri, HttpMessageHandler? handler, ProxySettings proxy)
        {
            if (handler != null)
                return ByHandler.GetValue(handler, h => NewClient(h, disposeHandler: false));
            return ByAddress.GetOrAdd(baseUri.GetLeftPart(UriPartial.Authority) + " " + proxy.CacheKey, _ =>
                NewClient(NewHandler(proxy), disposeHandler: true));
        }

        private static HttpClientHandler NewHandler(ProxySettings proxy)
        {
            var handler = new HttpClientHandler
            {
                // Certificate validation left at its default, never switched off.
                UseProxy = proxy.Mode != ProxyMode.None,
                // A redirect would carry the key (a custom header) to whatever host it names: the
                // client reports it instead (Octopods.Redirected).
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
            };
            if (proxy.Mode == ProxyMode.Address)
                handler.Proxy = new ConfiguredProxy(proxy);
            else if (proxy.Mode == ProxyMode.System && proxy.Credentials != null)
            {
                try
                {
                    SetDefaultProxyCredentials(handler, proxy.Credentials);
                }
                catch (MissingMethodException ex)
                {
                    handler.Dispose();
                    throw new Errors.OctopodsException(Errors.ErrorNames.ProxyInvalid, Errors.OctopodsErrorKind.InvalidArgument,
                        "This .NET Framework cannot give the system proxy credentials (that needs .NET Framework 4.7.1 or later)",
                        "Name the proxy's address instead (Set-OctopodsConfiguration -Proxy http://proxy:8080), or install .NET Framework 4.8.", ex);
                }
            }
            TrySetMaxConnections(handler, 256);
            return handler;
        }

        /// <summary>
        /// The system proxy, answering its 407 with these. A method of its own, like
        /// <see cref="SetMaxConnections"/>: the setter is new in .NET Framework 4.7.1, and only the
        /// settings that ask for it should meet its absence.
        /// </summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void SetDefaultProxyCredentials(HttpClientHandler handler, ICredentials credentials) => handler.DefaultProxyCredentials = credentials;

        /// <summary>
        /// .NET Framework (Windows PowerShell) allows 2 connections per host by default, which would cap
        /// a bulk send's -ThrottleLimit at 2; the bulk window bounds concurrency instead. Before .NET
        /// Framework 4.7.1 the property does not exist: the MissingMethodException then comes when
        /// <see cref="SetMaxConnections"/> is compiled, that is inside this try, never in the caller.
        /// </summary>
        private static void TrySetMaxConnections(HttpClientHandler handler, int max)
        {
            try
            {
                SetMaxConnections(handler, max);
            }
            catch (MissingMethodException) { }
            catch (PlatformNotSupportedException) { }
            catch (NotImplementedException) { }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void SetMaxConnections(HttpClientHandler handler, int max) => handler.MaxConnectionsPerServer = max;

        private static HttpClient NewClient(HttpMessageHandler handler, bool disposeHandler) =>
            // Timeouts are per request (a linked token), so the shared client never times out on its own.
            new HttpClient(handler, disposeHandler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    }
}

using System;
using System.Net;
using Octopods.Errors;

namespace Octopods.Http
{
    internal static class TransportSecurity
    {
        public static readonly Uri DefaultBaseUri = new Uri("https://app.octopods.io/");

        /// <summary>
        /// Checks a base address and returns it in canonical form (trailing slash, no path beyond it).
        /// HTTPS is required; plain HTTP only to a loopback address, where the sandbox server and tests live.
        /// </summary>
        public static Uri ValidateBaseUri(string? text)
        {
            if (string.IsNullOrWhiteSpace(text)) return DefaultBaseUri;
            // Never echo what might be a password: the address is shown without any user info.
            var shown = WithoutUserInfo(text!.Trim());
            if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) ||
                (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            {
                throw new OctopodsException(ErrorNames.InsecureBaseUri, OctopodsErrorKind.InvalidArgument,
                    $"'{shown}' is not an absolute http(s) address",
                    "Pass the service root, e.g. -BaseUri https://app.octopods.io (or https://api.octopods.io).");
            }
            if (uri.UserInfo.Length > 0)
            {
                throw new OctopodsException(ErrorNames.BaseUriInvalid, OctopodsErrorKind.InvalidArgument,
                    $"The address {uri.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped)} was given with a user name and password in it; " +
                    "an Octopods address never carries credentials (they would be written to the settings file and shown in logs), so it was refused and kept nowhere",
                    "Give the address alone, e.g. https://app.octopods.io. The channel key belongs in a vault (Connect-Octopods -SecretName), and a proxy's credentials in Set-OctopodsConfiguration -ProxySecretName.");
            }
            if (uri.Query.Length > 0 || uri.Fragment.Length > 0)
            {
                throw new OctopodsException(ErrorNames.BaseUriInvalid, OctopodsErrorKind.InvalidArgument,
                    $"'{shown}' has a query or fragment ('?…' or '#…'), which a service root cannot carry: it would be dropped from every request",
                    $"Give the service root alone, e.g. {uri.GetLeftPart(UriPartial.Path)}.");
            }
            // Every request adds /api/v1/… itself: a root that already holds it sends to /api/v1/api/v1/…, answered 404.
            var apiPath = System.Text.RegularExpressions.Regex.Match(uri.AbsolutePath, @"/api/v\d+/?$", System.Text.RegularExpressions.RegexOptions.IgnoreCase);
            if (apiPath.Success)
            {
                var before = uri.GetLeftPart(UriPartial.Authority) + uri.AbsolutePath.Substring(0, apiPath.Index);
                throw new OctopodsException(ErrorNames.BaseUriInvalid, OctopodsErrorKind.InvalidArgument,
                    $"'{shown}' ends in the API's path ({apiPath.Value.TrimEnd('/')}), which every request adds itself: they would go to …{apiPath.Value.TrimEnd('/')}/api/v1/…",
                    $"Give the address before it, e.g. {before}.");
            }
            if (uri.Scheme == Uri.UriSchemeHttp && !IsLoopback(uri))
            {
                throw new OctopodsException(ErrorNames.InsecureBaseUri, OctopodsErrorKind.InvalidArgument,
                    $"'{shown}' uses plain http to a host that is not loopback; the key would cross the network unencrypted",
                    "Use https:// (the service refuses http anyway); http:// is allowed only for 127.0.0.1, [::1] or localhost.");
            }
            var root = uri.GetLeftPart(UriPartial.Path);
            if (!root.EndsWith("/", StringComparison.Ordinal)) root += "/";
            return new Uri(root);
        }

        /// <summary>The text with any user:password@ of an address taken out, for messages.</summary>
        public static string WithoutUserInfo(string text) =>
            System.Text.RegularExpressions.Regex.Replace(text, @"(?<=://)[^/@\s'""]+@", "");

        /// <summary>
        /// Plain http is allowed to loopback because the key then never leaves the machine; through a
        /// proxy on another host it would cross the network in clear, so that route is refused.
        /// </summary>
        public static void CheckRoute(Uri baseUri, ProxySettings proxy)
        {
            if (baseUri == null) throw new ArgumentNullException(nameof(baseUri));
            if (proxy == null) throw new ArgumentNullException(nameof(proxy));
            if (baseUri.Scheme != Uri.UriSchemeHttp || proxy.Mode != ProxyMode.Address || proxy.IsBypassed(baseUri) || IsLoopback(proxy.Address!)) return;
            throw new OctopodsException(ErrorNames.InsecureBaseUri, OctopodsErrorKind.InvalidArgument,
                $"'{baseUri}' uses plain http and would go through {proxy}, on another host: the key would cross the network unencrypted",
                $"Reach the loopback address directly: Set-OctopodsConfiguration -ProxyBypassList {baseUri.Host} (with the entries you had), or -Proxy None; or use https://.");
        }

        public static bool IsLoopback(Uri uri)
        {
            if (uri.IsLoopback) return true;
            var host = uri.Host.Trim('[', ']');
            return IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address);
        }
    }
}

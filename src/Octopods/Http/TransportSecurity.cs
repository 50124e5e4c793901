using System;
using System.Net;
using Octopods.Errors;

namespace Octopods.Http
{
    public static class TransportSecurity
    {
        public static readonly Uri DefaultBaseUri = new Uri("https://app.octopods.io/");

        /// <summary>
        /// Checks a base address and returns it in canonical form (trailing slash, no path beyond it).
        /// HTTPS is required; plain HTTP only to a loopback address, where the sandbox server and tests live.
        /// </summary>
        public static Uri ValidateBaseUri(string? text)
        {
            if (string.IsNullOrWhiteSpace(text)) return DefaultBaseUri;
            if (!Uri.TryCreate(text!.Trim(), UriKind.Absolute, out var uri) ||
                (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            {
                throw new OctopodsException(ErrorNames.InsecureBaseUri, OctopodsErrorKind.InvalidArgument,
                    $"'{text}' is not an absolute http(s) address",
                    "Pass the service root, e.g. -BaseUri https://app.octopods.io (or https://api.octopods.io).");
            }
            if (uri.Scheme == Uri.UriSchemeHttp && !IsLoopback(uri))
            {
                throw new OctopodsException(ErrorNames.InsecureBaseUri, OctopodsErrorKind.InvalidArgument,
                    $"'{text}' uses plain http to a host that is not loopback; the key would cross the network unencrypted",
                    "Use https:// (the service refuses http anyway); http:// is allowed only for 127.0.0.1, [::1] or localhost.");
            }
            var root = uri.GetLeftPart(UriPartial.Path);
            if (!root.EndsWith("/", StringComparison.Ordinal)) root += "/";
            return new Uri(root);
        }

        public static bool IsLoopback(Uri uri)
        {
            if (uri.IsLoopback) return true;
            var host = uri.Host.Trim('[', ']');
            return IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address);
        }
    }
}

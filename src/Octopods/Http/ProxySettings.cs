using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Octopods.Errors;

namespace Octopods.Http
{
    /// <summary>
    /// The route to the service: the system proxy, none, or one address with a bypass list, and the
    /// credentials to give the proxy when it asks (HTTP 407). Immutable; <see cref="CacheKey"/> tells
    /// apart every two settings that need a handler of their own.
    /// </summary>
    internal sealed class ProxySettings
    {
        public static readonly ProxySettings System = new ProxySettings(ProxyMode.System, null, Array.Empty<string>(), null, null);
        public static readonly ProxySettings None = new ProxySettings(ProxyMode.None, null, Array.Empty<string>(), null, null);

        private readonly Regex[] _bypass;

        private ProxySettings(ProxyMode mode, Uri? address, IReadOnlyList<string> bypassList, NetworkCredential? credentials, string? credentialOrigin)
        {
            Mode = mode;
            Address = address;
            BypassList = bypassList;
            Credentials = credentials;
            CredentialOrigin = credentials == null ? null : credentialOrigin ?? "the credentials given";
            _bypass = bypassList.Select(BypassPattern).ToArray();
        }

        /// <summary>Every request through <paramref name="address"/> (checked by <see cref="ParseAddress"/>), except to hosts on <paramref name="bypassList"/>.</summary>
        public static ProxySettings Through(Uri address, IEnumerable<string>? bypassList = null) =>
            new ProxySettings(ProxyMode.Address, address ?? throw new ArgumentNullException(nameof(address)),
                (bypassList ?? Array.Empty<string>()).Select(CheckBypassEntry).ToArray(), null, null);

        public ProxyMode Mode { get; }

        /// <summary>The proxy, for <see cref="ProxyMode.Address"/>.</summary>
        public Uri? Address { get; }

        /// <summary>Hosts reached directly: names with * wildcards (*.corp.example, 10.*), or .corp.example for a domain and every host in it.</summary>
        public IReadOnlyList<string> BypassList { get; }

        /// <summary>Given to the proxy when it answers 407: a user name and password, or the process's default credentials (<see cref="CredentialCache.DefaultNetworkCredentials"/>).</summary>
        public NetworkCredential? Credentials { get; }

        /// <summary>True when <see cref="Credentials"/> are the process's own (Windows sign-in: NTLM or Kerberos).</summary>
        public bool UsesDefaultCredentials => Credentials != null && ReferenceEquals(Credentials, CredentialCache.DefaultNetworkCredentials);

        /// <summary>Where <see cref="Credentials"/> came from, for messages ("the credential in secret 'CorpProxy'"); never the password.</summary>
        public string? CredentialOrigin { get; }

        /// <summary>These settings with <paramref name="credentials"/> for the proxy (None has no proxy to give them to).</summary>
        public ProxySettings WithCredentials(NetworkCredential? credentials, string? origin)
        {
            if (Mode == ProxyMode.None && credentials != null)
                throw new ArgumentException("A direct connection has no proxy to give credentials to.", nameof(credentials));
            return new ProxySettings(Mode, Address, BypassList, credentials, origin);
        }

        /// <summary>True when a request to <paramref name="destination"/> goes straight there (never for the system proxy, which decides itself).</summary>
        public bool IsBypassed(Uri destination)
        {
            if (destination == null) throw new ArgumentNullException(nameof(destination));
            if (Mode == ProxyMode.None) return true;
            if (Mode == ProxyMode.System) return false;
            var host = destination.Host;
            var bare = host.Trim('[', ']');
            return _bypass.Any(pattern => pattern.IsMatch(host) || pattern.IsMatch(bare));
        }

        /// <summary>What the messages call the route: "the system proxy", "no proxy" or the proxy's address.</summary>
        public override string ToString() => Mode switch
        {
            ProxyMode.None => "no proxy",
            ProxyMode.Address => $"proxy {Address}",
            _ => "the system proxy",
        };

        /// <summary>
        /// One string per distinct handler: the route, its bypass list and which credentials (a hash of
        /// user name and password, so a rotated password gets a handler of its own and the key holds no password).
        /// </summary>
        internal string CacheKey
        {
            get
            {
                var credentials = Credentials == null ? "-" : UsesDefaultCredentials ? "default" : Fingerprint(Credentials);
                return string.Join("|", Mode.ToString(), Address?.ToString() ?? "-", string.Join(",", BypassList), credentials);
            }
        }

        private static string Fingerprint(NetworkCredential credential)
        {
            using var sha = SHA256.Create();
            var hash = sha.ComputeHash(Encoding.UTF8.GetBytes(credential.Domain + "\0" + credential.UserName + "\0" + credential.Password));
            var text = new StringBuilder("user:", 21);
            for (var i = 0; i < 8; i++) text.Append(hash[i].ToString("x2", CultureInfo.InvariantCulture));
            return text.ToString();
        }

        /// <summary>
        /// A proxy address as the settings keep it: absolute http:// or https://, with a host, no user
        /// name or password (they would be kept in clear), no path; canonical (scheme://host:port/).
        /// </summary>
        public static Uri ParseAddress(string text)
        {
            if (string.IsNullOrWhiteSpace(text) || !Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) ||
                (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || string.IsNullOrEmpty(uri.Host))
            {
                throw new OctopodsException(ErrorNames.ProxyInvalid, OctopodsErrorKind.InvalidArgument,
                    $"The proxy '{text}' is not an absolute http:// or https:// address",
                    "Give the proxy's full address with its port, e.g. -Proxy http://proxy.corp.example:8080, or -Proxy System (the operating system's proxy) or -Proxy None (no proxy).");
            }
            if (!string.IsNullOrEmpty(uri.UserInfo))
            {
                throw new OctopodsException(ErrorNames.ProxyInvalid, OctopodsErrorKind.InvalidArgument,
                    "The proxy address holds a user name or password, which the settings file would keep in clear text",
                    "Give the address without them (-Proxy http://proxy.corp.example:8080) and the credentials from a vault: Set-Secret -Name OctopodsProxy -Secret (Get-Credential), then -ProxySecretName OctopodsProxy.");
            }
            if (uri.AbsolutePath != "/" || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
            {
                throw new OctopodsException(ErrorNames.ProxyInvalid, OctopodsErrorKind.InvalidArgument,
                    $"The proxy '{text}' has a path; a proxy is a host and a port",
                    $"Give only the scheme, host and port: -Proxy {uri.GetLeftPart(UriPartial.Authority)}.");
            }
            return new Uri(uri.GetLeftPart(UriPartial.Authority) + "/");
        }

        /// <summary>One bypass list entry, trimmed: a host name or address, with * wildcards or a leading dot.</summary>
        public static string CheckBypassEntry(string entry)
        {
            var text = entry?.Trim() ?? "";
            if (text.Length == 0 || !Regex.IsMatch(text, @"^\.?[A-Za-z0-9*_\-.:\[\]]+$") || text.Contains(".."))
            {
                throw new OctopodsException(ErrorNames.ProxyInvalid, OctopodsErrorKind.InvalidArgument,
                    $"The bypass list entry '{entry}' is not a host name pattern",
                    "Give host names or addresses, with * as a wildcard or a leading dot for a whole domain: -ProxyBypassList '*.corp.example', .internal.example, 10.*, localhost, 127.0.0.1 (no scheme, port or path).");
            }
            return text;
        }

        private static Regex BypassPattern(string entry)
        {
            // ".corp.example": that domain and every host in it; otherwise the whole host, * matching anything.
            var domain = entry.StartsWith(".", StringComparison.Ordinal);
            var body = Regex.Escape(domain ? entry.Substring(1) : entry).Replace(@"\*", ".*");
            return new Regex(domain ? $"^(?:.*\\.)?{body}$" : $"^{body}$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        }
    }
}

using System;
using System.Net;

namespace Octopods.Http
{
    /// <summary>
    /// <see cref="ProxySettings"/> of mode Address as the handler asks for them. Unlike .NET's WebProxy,
    /// whose bypass list is regular expressions over "scheme://host", entries are host patterns as
    /// NO_PROXY and Internet Options write them; and no host is bypassed unless listed, loopback
    /// included (.NET Framework itself never proxies loopback, whatever this says).
    /// </summary>
    internal sealed class ConfiguredProxy : IWebProxy
    {
        private readonly ProxySettings _settings;

        public ConfiguredProxy(ProxySettings settings)
        {
            _settings = settings ?? throw new ArgumentNullException(nameof(settings));
            Credentials = settings.Credentials;
        }

        public ICredentials? Credentials { get; set; }

        public Uri GetProxy(Uri destination) => _settings.Address!;

        public bool IsBypassed(Uri host) => _settings.IsBypassed(host);
    }
}

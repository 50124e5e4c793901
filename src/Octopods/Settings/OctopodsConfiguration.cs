using System;
using System.Linq;
using System.Net;
using Octopods.Http;

namespace Octopods.Settings
{
    /// <summary>
    /// The settings every command uses, each with where it comes from: the settings file over the
    /// environment (OCTOPODS_BASE_URI) over the defaults; a proxy credential given for the session
    /// over the file's. A command's own parameters (-BaseUri) override all of these. What
    /// Get-OctopodsConfiguration shows; never a password (there is none to show: the file names a secret).
    /// </summary>
    public sealed class OctopodsConfiguration
    {
        /// <summary>The service root for every command without -BaseUri, when the settings file names none.</summary>
        public const string BaseUriVariable = "OCTOPODS_BASE_URI";

        private OctopodsConfiguration(string path) => Path = path;

        /// <summary>The settings file (which may not exist yet).</summary>
        public string Path { get; }

        /// <summary>The service root; null only when OCTOPODS_BASE_URI holds an address commands refuse (<see cref="Address"/> says why).</summary>
        public Uri? BaseUri { get; private set; } = TransportSecurity.DefaultBaseUri;
        public SettingSource BaseUriSource { get; private set; }

        private Errors.OctopodsException? _baseUriProblem;

        /// <summary>
        /// The service root, or Octopods.InsecureBaseUri when it was to come from an OCTOPODS_BASE_URI
        /// that is not an HTTPS (or loopback) address: raised only by the commands that need the address.
        /// </summary>
        public Uri Address() => BaseUri ?? throw _baseUriProblem!;

        /// <summary>System (the operating system's proxy), None, or the proxy's address.</summary>
        public string Proxy { get; private set; } = OctopodsSettings.SystemProxy;
        public SettingSource ProxySource { get; private set; }

        /// <summary>How the proxy's credentials are found, in words ("secret 'CorpProxy' in the default vault"); "none" without any.</summary>
        public string ProxyCredential { get; private set; } = "none";
        public string? ProxySecretName { get; private set; }
        public string? ProxyVault { get; private set; }
        public bool ProxyUseDefaultCredentials { get; private set; }
        /// <summary>The user name of a credential given for this session (never its password).</summary>
        public string? ProxyUserName { get; private set; }
        public SettingSource ProxyCredentialSource { get; private set; }

        public string[] ProxyBypassList { get; private set; } = Array.Empty<string>();
        public SettingSource ProxyBypassListSource { get; private set; }

        public double RequestTimeoutSeconds { get; private set; } = OctopodsClientOptions.DefaultRequestTimeout.TotalSeconds;
        public SettingSource RequestTimeoutSource { get; private set; }

        public int MaxRateLimitRetries { get; private set; } = OctopodsClientOptions.DefaultMaxRateLimitRetries;
        public SettingSource MaxRateLimitRetriesSource { get; private set; }

        public double MaxRateLimitWaitSeconds { get; private set; } = OctopodsClientOptions.DefaultMaxRateLimitWait.TotalSeconds;
        public SettingSource MaxRateLimitWaitSource { get; private set; }

        /// <summary>
        /// The settings from <paramref name="file"/> (read from <paramref name="path"/>), else
        /// <paramref name="environmentBaseUri"/> (OCTOPODS_BASE_URI), else the defaults;
        /// <paramref name="sessionProxyUserName"/> names a credential this session gave, which wins over the file's.
        /// </summary>
        internal static OctopodsConfiguration Resolve(string path, OctopodsSettings file, string? environmentBaseUri, string? sessionProxyUserName = null)
        {
            if (file == null) throw new ArgumentNullException(nameof(file));
            var configuration = new OctopodsConfiguration(path);
            if (file.BaseUri != null)
            {
                configuration.BaseUri = new Uri(file.BaseUri);
                configuration.BaseUriSource = SettingSource.File;
            }
            else if (!string.IsNullOrWhiteSpace(environmentBaseUri))
            {
                configuration.BaseUriSource = SettingSource.Environment;
                try
                {
                    configuration.BaseUri = TransportSecurity.ValidateBaseUri(environmentBaseUri);
                }
                catch (Errors.OctopodsException ex)
                {
                    configuration.BaseUri = null;
                    configuration._baseUriProblem = ex;
                }
            }
            if (file.Proxy != null)
            {
                configuration.Proxy = file.Proxy;
                configuration.ProxySource = SettingSource.File;
            }
            if (file.ProxyBypassList is { Count: > 0 })
            {
                configuration.ProxyBypassList = file.ProxyBypassList.ToArray();
                configuration.ProxyBypassListSource = SettingSource.File;
            }
            if (sessionProxyUserName != null)
            {
                configuration.ProxyUserName = sessionProxyUserName;
                configuration.ProxyCredential = $"PSCredential for '{sessionProxyUserName}'";
                configuration.ProxyCredentialSource = SettingSource.Session;
            }
            else if (file.HasProxyCredential)
            {
                configuration.ProxySecretName = file.ProxySecretName;
                configuration.ProxyVault = file.ProxyVault;
                configuration.ProxyUseDefaultCredentials = file.ProxyUseDefaultCredentials;
                configuration.ProxyCredential = file.ProxyUseDefaultCredentials ? "the process's default credentials" : DescribeSecret(file.ProxySecretName!, file.ProxyVault);
                configuration.ProxyCredentialSource = SettingSource.File;
            }
            if (file.RequestTimeoutSeconds is { } timeout)
            {
                configuration.RequestTimeoutSeconds = timeout;
                configuration.RequestTimeoutSource = SettingSource.File;
            }
            if (file.MaxRateLimitRetries is { } retries)
            {
                configuration.MaxRateLimitRetries = retries;
                configuration.MaxRateLimitRetriesSource = SettingSource.File;
            }
            if (file.MaxRateLimitWaitSeconds is { } wait)
            {
                configuration.MaxRateLimitWaitSeconds = wait;
                configuration.MaxRateLimitWaitSource = SettingSource.File;
            }
            return configuration;
        }

        /// <summary>"secret 'CorpProxy' in the default vault", or "... in vault 'Work'".</summary>
        internal static string DescribeSecret(string name, string? vault) =>
            $"secret '{name}' in {(vault == null ? "the default vault" : $"vault '{vault}'")}";

        /// <summary>The route these settings give, without credentials (the caller reads those: a vault, the session).</summary>
        internal ProxySettings Route() =>
            string.Equals(Proxy, OctopodsSettings.NoProxy, StringComparison.OrdinalIgnoreCase) ? ProxySettings.None
            : string.Equals(Proxy, OctopodsSettings.SystemProxy, StringComparison.OrdinalIgnoreCase) ? ProxySettings.System
            : ProxySettings.Through(new Uri(Proxy), ProxyBypassList);

        /// <summary>The route with the process's default credentials when the settings ask for them; secrets and session credentials are the caller's to add.</summary>
        internal ProxySettings RouteWithDefaultCredentials()
        {
            var route = Route();
            return ProxyUseDefaultCredentials && ProxyCredentialSource == SettingSource.File && route.Mode != ProxyMode.None
                ? route.WithCredentials(CredentialCache.DefaultNetworkCredentials, "the process's default credentials")
                : route;
        }

        /// <summary><paramref name="options"/> with these settings' timeout, 429 limits and <paramref name="proxy"/>.</summary>
        internal OctopodsClientOptions Apply(OctopodsClientOptions options, ProxySettings proxy)
        {
            if (options == null) throw new ArgumentNullException(nameof(options));
            return options with
            {
                RequestTimeout = TimeSpan.FromSeconds(RequestTimeoutSeconds),
                MaxRateLimitRetries = MaxRateLimitRetries,
                MaxRateLimitWait = TimeSpan.FromSeconds(MaxRateLimitWaitSeconds),
                Proxy = proxy ?? throw new ArgumentNullException(nameof(proxy)),
            };
        }

        public override string ToString() => $"Octopods settings ({Path})";
    }
}

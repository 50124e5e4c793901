using System.Collections.Generic;

namespace Octopods.Settings
{
    /// <summary>
    /// What Set-OctopodsConfiguration was given, laid over the file's settings by the rules of
    /// <see cref="ApplyTo"/>: each value checked, a proxy mode that leaves a bypass list or credential
    /// without use removing it, then the whole checked as one. Null means "not given": it stays.
    /// </summary>
    internal sealed class SettingsChange
    {
        public string? BaseUri { get; init; }
        public string? Proxy { get; init; }
        public string? ProxySecretName { get; init; }
        public string? ProxyVault { get; init; }
        public bool? ProxyUseDefaultCredentials { get; init; }

        /// <summary>Given when not null; an empty list removes the bypass list.</summary>
        public IReadOnlyList<string>? ProxyBypassList { get; init; }
        public bool ProxyBypassListGiven { get; init; }

        public double? RequestTimeoutSeconds { get; init; }
        public int? MaxRateLimitRetries { get; init; }
        public double? MaxRateLimitWaitSeconds { get; init; }

        /// <summary>
        /// The settings with this change laid over them, checked; <paramref name="changed"/> gets the
        /// names given, <paramref name="removed"/> those a new proxy mode leaves without use.
        /// </summary>
        public OctopodsSettings ApplyTo(OctopodsSettings settings, List<string> changed, List<string> removed)
        {
            if (BaseUri != null)
            {
                settings = settings with { BaseUri = OctopodsSettings.CheckBaseUri(BaseUri) };
                changed.Add("BaseUri");
            }
            if (Proxy != null)
            {
                var proxy = OctopodsSettings.CheckProxy(Proxy);
                // A bypass list belongs to an address; no proxy takes no credentials either.
                if (proxy == OctopodsSettings.NoProxy && settings.HasProxyCredential)
                {
                    settings = settings.Without(OctopodsSettingName.ProxyCredential);
                    removed.Add("ProxyCredential");
                }
                if ((proxy == OctopodsSettings.NoProxy || proxy == OctopodsSettings.SystemProxy) && settings.ProxyBypassList != null)
                {
                    settings = settings.Without(OctopodsSettingName.ProxyBypassList);
                    removed.Add("ProxyBypassList");
                }
                settings = settings with { Proxy = proxy };
                changed.Add("Proxy");
            }
            if (ProxySecretName != null)
            {
                settings = settings with { ProxySecretName = ProxySecretName.Trim(), ProxyVault = ProxyVault?.Trim(), ProxyUseDefaultCredentials = false };
                changed.Add("ProxyCredential");
            }
            if (ProxyUseDefaultCredentials is { } useDefault)
            {
                settings = useDefault
                    ? settings.Without(OctopodsSettingName.ProxyCredential) with { ProxyUseDefaultCredentials = true }
                    : settings with { ProxyUseDefaultCredentials = false };
                changed.Add("ProxyCredential");
            }
            if (ProxyBypassListGiven)
            {
                settings = settings with { ProxyBypassList = ProxyBypassList is { Count: > 0 } ? ProxyBypassList : null };
                changed.Add("ProxyBypassList");
            }
            if (RequestTimeoutSeconds is { } timeout)
            {
                settings = settings with { RequestTimeoutSeconds = OctopodsSettings.CheckRequestTimeout(timeout) };
                changed.Add("RequestTimeout");
            }
            if (MaxRateLimitRetries is { } retries)
            {
                settings = settings with { MaxRateLimitRetries = OctopodsSettings.CheckMaxRateLimitRetries(retries) };
                changed.Add("MaxRateLimitRetries");
            }
            if (MaxRateLimitWaitSeconds is { } wait)
            {
                settings = settings with { MaxRateLimitWaitSeconds = OctopodsSettings.CheckMaxRateLimitWait(wait) };
                changed.Add("MaxRateLimitWait");
            }
            return settings.Checked();
        }
    }
}

namespace Octopods.Settings
{
    /// <summary>The settings the file can hold, as Reset-OctopodsConfiguration -Setting names them.</summary>
    public enum OctopodsSettingName
    {
        BaseUri,
        /// <summary>The proxy (System, None or an address) and, with it, its bypass list.</summary>
        Proxy,
        /// <summary>The proxy's credentials: a secret's name and vault, or the default credentials.</summary>
        ProxyCredential,
        ProxyBypassList,
        RequestTimeout,
        MaxRateLimitRetries,
        MaxRateLimitWait,
    }
}

namespace Octopods.Http
{
    /// <summary>How requests reach the service.</summary>
    public enum ProxyMode
    {
        /// <summary>The operating system's proxy (HTTPS_PROXY, HTTP_PROXY and NO_PROXY first; on Windows then Internet Options), as .NET finds it.</summary>
        System,
        /// <summary>Straight to the service, whatever the system says.</summary>
        None,
        /// <summary>Through one proxy address, except hosts on its bypass list.</summary>
        Address,
    }
}

namespace Octopods.Settings
{
    /// <summary>Where a setting's value comes from, weakest first; a command's own parameter overrides them all.</summary>
    public enum SettingSource
    {
        /// <summary>The module's default.</summary>
        Default,
        /// <summary>An environment variable (OCTOPODS_BASE_URI).</summary>
        Environment,
        /// <summary>The settings file (Set-OctopodsConfiguration).</summary>
        File,
        /// <summary>This session only (Set-OctopodsConfiguration -ProxyCredential).</summary>
        Session,
    }
}

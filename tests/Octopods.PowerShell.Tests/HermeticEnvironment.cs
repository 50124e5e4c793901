using System;
using System.IO;
using System.Runtime.CompilerServices;

namespace Octopods.PowerShell.Tests
{
    /// <summary>
    /// Keeps the hosted engines (and the pwsh children they start) away from the machine's own
    /// modules, profile folders, SecretStore and Octopods settings: before any test, this process gets a
    /// throwaway HOME and XDG folders, a PSModulePath of one empty folder and a settings file path of
    /// its own. Nothing outside this process changes.
    /// </summary>
    internal static class HermeticEnvironment
    {
        /// <summary>The user profile before isolation, where the NuGet cache (and the pinned pwsh) lives.</summary>
        public static string OriginalUserProfile { get; private set; } = "";

        /// <summary>The settings file every hosted engine reads (OCTOPODS_CONFIG_PATH): absent unless a test of the process-environment collection writes it.</summary>
        public static string SettingsPath { get; private set; } = "";

        [ModuleInitializer]
        internal static void Isolate()
        {
            OriginalUserProfile = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NUGET_PACKAGES")))
                Environment.SetEnvironmentVariable("NUGET_PACKAGES", Path.Combine(OriginalUserProfile, ".nuget", "packages"));

            var home = Path.Combine(Path.GetTempPath(), "octopods-hosted-" + Environment.ProcessId);
            var modules = Path.Combine(home, "modules");
            Directory.CreateDirectory(modules);
            Environment.SetEnvironmentVariable("HOME", home);
            Environment.SetEnvironmentVariable("XDG_DATA_HOME", Path.Combine(home, ".local", "share"));
            Environment.SetEnvironmentVariable("XDG_CONFIG_HOME", Path.Combine(home, ".config"));
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", Path.Combine(home, ".cache"));
            Environment.SetEnvironmentVariable("PSModulePath", modules);
            // Each test's runspace has a sandbox of its own, in memory: the per-user file that keeps it
            // across sessions (under LOCALAPPDATA on Windows, which HOME does not move) is left alone.
            Environment.SetEnvironmentVariable("OCTOPODS_SANDBOX_PATH", "none");
            // No settings file of the machine's (under APPDATA on Windows, which HOME does not move
            // either): a proxy or an address there would change what every test sends.
            SettingsPath = Path.Combine(home, "octopods-settings.json");
            Environment.SetEnvironmentVariable("OCTOPODS_CONFIG_PATH", SettingsPath);
            // Nor the machine's opt-out list: a number on it would refuse a test's send.
            Environment.SetEnvironmentVariable("OCTOPODS_OPTOUT_PATH", Path.Combine(home, "octopods-optouts.json"));
            AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            {
                try { Directory.Delete(home, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            };
        }
    }
}

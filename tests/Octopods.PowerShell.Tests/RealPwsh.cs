using System;
using System.IO;
using System.Text.RegularExpressions;

namespace Octopods.PowerShell.Tests
{
    /// <summary>
    /// The real pwsh of the project's tool manifest, as pwsh.dll run by dotnet: one process, so a
    /// kill hits the PowerShell that sends, not the tool's shim.
    /// </summary>
    public static class RealPwsh
    {
        /// <summary>OCTOPODS_PWSH_DLL (build.ps1 sets it), else the version pinned in .config/dotnet-tools.json in the NuGet cache.</summary>
        public static string Dll
        {
            get
            {
                var given = Environment.GetEnvironmentVariable("OCTOPODS_PWSH_DLL");
                if (!string.IsNullOrEmpty(given) && File.Exists(given)) return given;
                var manifest = File.ReadAllText(Path.Combine(ModuleFolder.RepoRoot, ".config", "dotnet-tools.json"));
                var version = Regex.Match(manifest, "\"powershell\"\\s*:\\s*\\{\\s*\"version\"\\s*:\\s*\"([^\"]+)\"").Groups[1].Value;
                var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
                if (string.IsNullOrEmpty(packages)) packages = Path.Combine(HermeticEnvironment.OriginalUserProfile, ".nuget", "packages");
                var platform = OperatingSystem.IsWindows() ? "win" : "unix";
                var path = Path.Combine(packages, "powershell", version, "tools", "net10.0", "any", platform, "pwsh.dll");
                if (!File.Exists(path))
                    throw new FileNotFoundException($"pwsh {version} was not found. Run 'dotnet tool restore' in {ModuleFolder.RepoRoot}, or set OCTOPODS_PWSH_DLL to a pwsh.dll.", path);
                return path;
            }
        }
    }
}

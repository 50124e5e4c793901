using System;

namespace Octopods.PowerShell.Loading
{
    /// <summary>The hosts the module serves: Windows PowerShell 5.1, and PowerShell 7.4 or later (.NET 8, whose System.Text.Json the module uses).</summary>
    internal static class HostSupport
    {
        public static readonly Version MinimumCore = new Version(7, 4);

        /// <summary>Why the module cannot load on this host, naming the fix; null when it can.</summary>
        public static string? Refusal(bool desktop, Version powerShell, Version runtime)
        {
            // Windows PowerShell's engine assembly is 3.0.0.0 from 3.0 to 5.1, so it cannot tell them apart:
            // the manifest's PowerShellVersion = '5.1' refuses the older ones before this runs.
            if (desktop) return null;
            // PowerShell 7.4 runs on .NET 8; an older 7.x (.NET 7 or before) lacks the System.Text.Json the module is built against.
            if (powerShell >= MinimumCore && runtime.Major >= 8) return null;
            return $"Octopods needs PowerShell {MinimumCore} or later (or Windows PowerShell 5.1); this is PowerShell {powerShell.ToString(3)} on .NET {runtime}. Install PowerShell {MinimumCore}+ from https://aka.ms/powershell, then Import-Module Octopods again.";
        }
    }
}

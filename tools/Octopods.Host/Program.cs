using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace Octopods.Host
{
    /// <summary>
    /// Runs a .ps1 file in a hosted engine with out/ on PSModulePath, so `Import-Module Octopods` finds the
    /// freshly built module. Output is formatted by the module's own views through Out-Default.
    /// Exit code: 0, or 1 when an error reached the console or the script threw.
    /// </summary>
    internal static class Program
    {
        private static int Main(string[] args)
        {
            if (args.Length == 0 || !File.Exists(args[0]))
            {
                Console.Error.WriteLine("usage: dotnet run --project tools/Octopods.Host -- <script.ps1> [arguments]");
                return 2;
            }
            var repoRoot = FindRepoRoot(Path.GetFullPath(args[0])) ?? FindRepoRoot(AppContext.BaseDirectory);
            if (repoRoot != null)
            {
                var modules = Path.Combine(repoRoot, "out");
                Environment.SetEnvironmentVariable("PSModulePath", modules + Path.PathSeparator + Environment.GetEnvironmentVariable("PSModulePath"));
            }

            var host = new ConsoleHost();
            var state = InitialSessionState.CreateDefault2();
            using var runspace = RunspaceFactory.CreateRunspace(host, state);
            runspace.Open();
            using var ps = PowerShell.Create();
            ps.Runspace = runspace;
            ps.AddCommand(Path.GetFullPath(args[0]));
            foreach (var arg in args.Skip(1)) ps.AddArgument(arg);
            ps.AddCommand("Out-Default");
            ps.Commands.Commands[0].MergeMyResults(PipelineResultTypes.Error, PipelineResultTypes.Output);
            try
            {
                ps.Invoke();
            }
            catch (RuntimeException ex)
            {
                host.UI.WriteErrorLine(ex.ErrorRecord.ToString());
                return 1;
            }
            // Judged like pwsh -File: errors the script handled (SilentlyContinue, try/catch) do not fail it.
            return host.ErrorsWritten > 0 ? 1 : 0;
        }

        private static string? FindRepoRoot(string start)
        {
            for (var dir = new DirectoryInfo(Path.GetDirectoryName(start) ?? start); dir != null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Octopods.psd1"))) return dir.FullName;
            return null;
        }
    }
}

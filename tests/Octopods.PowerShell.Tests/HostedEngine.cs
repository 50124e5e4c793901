using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Text.RegularExpressions;

namespace Octopods.PowerShell.Tests
{
    /// <summary>The built module folder, found from the repository root.</summary>
    public static class ModuleFolder
    {
        public static readonly string RepoRoot = FindRepoRoot();
        public static readonly string Version =
            Regex.Match(File.ReadAllText(Path.Combine(RepoRoot, "Octopods.psd1")), @"ModuleVersion\s*=\s*'([^']+)'").Groups[1].Value;
        public static readonly string Manifest = Path.Combine(RepoRoot, "out", "Octopods", Version, "Octopods.psd1");

        private static string FindRepoRoot()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Octopods.psd1"))) return dir.FullName;
            throw new InvalidOperationException("Octopods.psd1 not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>What one script run produced, stream by stream.</summary>
    public sealed class RunResult
    {
        public List<PSObject> Output { get; } = new List<PSObject>();
        public List<ErrorRecord> Errors { get; } = new List<ErrorRecord>();
        public List<string> Warnings { get; } = new List<string>();
        public List<string> Verbose { get; } = new List<string>();
        public List<string> Debug { get; } = new List<string>();
        public List<string> Information { get; } = new List<string>();
        public List<ProgressRecord> Progress { get; } = new List<ProgressRecord>();

        /// <summary>Fails with the errors' text, which Assert.Empty would not show.</summary>
        public void AssertNoErrors()
        {
            if (Errors.Count > 0)
                throw new Xunit.Sdk.XunitException("Unexpected errors:\n" + string.Join("\n", Errors.Select(e => e.FullyQualifiedErrorId + ": " + e)));
        }

        public T SingleOutput<T>() => (T)Output.Single().BaseObject;
        public List<T> All<T>() => Output.Select(o => (T)o.BaseObject).ToList();

        /// <summary>Everything a user or a log could see, as text.</summary>
        public IEnumerable<string> AllText()
        {
            foreach (var o in Output)
            {
                yield return o.ToString();
                yield return PSSerializer.Serialize(o, 3);
            }
            foreach (var e in Errors)
            {
                yield return e.ToString();
                yield return e.ErrorDetails?.Message ?? "";
                yield return e.CategoryInfo.ToString();
                yield return e.TargetObject?.ToString() ?? "";
                for (var ex = e.Exception; ex != null; ex = ex.InnerException)
                {
                    yield return ex.ToString();
                    yield return ex.Message;
                }
            }
            foreach (var s in Warnings.Concat(Verbose).Concat(Debug).Concat(Information)) yield return s;
            foreach (var p in Progress) yield return p.ToString();
        }
    }

    /// <summary>
    /// A hosted PowerShell engine (the SMA package: core cmdlets only) with the built module imported,
    /// one runspace per instance so tests can run side by side.
    /// </summary>
    public sealed class HostedEngine : IDisposable
    {
        private readonly Runspace _runspace;

        public HostedEngine(bool importModule = true)
        {
            var state = InitialSessionState.CreateDefault2();
            _runspace = RunspaceFactory.CreateRunspace(state);
            _runspace.Open();
            if (importModule)
            {
                var imported = Run("Import-Module -Name $args[0] -ErrorAction Stop -PassThru", ModuleFolder.Manifest);
                if (imported.Errors.Count > 0 || imported.Output.Count != 1)
                    throw new InvalidOperationException("Import-Module failed: " + string.Join("; ", imported.Errors));
            }
        }

        /// <summary>A PowerShell on this engine's runspace, for tests that drive the invocation themselves.</summary>
        public System.Management.Automation.PowerShell CreatePowerShell(string script)
        {
            var ps = System.Management.Automation.PowerShell.Create();
            ps.Runspace = _runspace;
            ps.AddScript(script);
            return ps;
        }

        public RunResult Run(string script, params object[] args)
        {
            using var ps = System.Management.Automation.PowerShell.Create();
            ps.Runspace = _runspace;
            ps.AddScript(script);
            foreach (var arg in args) ps.AddArgument(arg);
            var result = new RunResult();
            try
            {
                result.Output.AddRange(ps.Invoke());
            }
            catch (RuntimeException ex)
            {
                result.Errors.Add(ex.ErrorRecord);
            }
            result.Errors.AddRange(ps.Streams.Error);
            result.Warnings.AddRange(ps.Streams.Warning.Select(w => w.Message));
            result.Verbose.AddRange(ps.Streams.Verbose.Select(v => v.Message));
            result.Debug.AddRange(ps.Streams.Debug.Select(d => d.Message));
            result.Information.AddRange(ps.Streams.Information.Select(i => i.MessageData?.ToString() ?? ""));
            result.Progress.AddRange(ps.Streams.Progress);
            return result;
        }

        public void Dispose() => _runspace.Dispose();
    }
}

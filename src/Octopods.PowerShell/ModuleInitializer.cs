using System;
using System.IO;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Octopods.PowerShell
{
    /// <summary>
    /// On Windows PowerShell 5.1 (.NET Framework) the module's System.Text.Json and its companions
    /// live in Dependencies/ and are handed out only when the runtime cannot find them itself, so
    /// they never replace another module's copies. PowerShell 7 carries its own and needs nothing.
    /// </summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        private static readonly string DependencyFolder =
            Path.Combine(Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location) ?? ".", "Dependencies");

        private static bool IsDesktop => RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal);

        public void OnImport()
        {
            if (IsDesktop) AppDomain.CurrentDomain.AssemblyResolve += Resolve;
        }

        public void OnRemove(PSModuleInfo psModuleInfo)
        {
            if (IsDesktop) AppDomain.CurrentDomain.AssemblyResolve -= Resolve;
        }

        private static Assembly? Resolve(object? sender, ResolveEventArgs args)
        {
            var name = new AssemblyName(args.Name);
            var candidate = Path.Combine(DependencyFolder, name.Name + ".dll");
            if (!File.Exists(candidate)) return null;
            var available = AssemblyName.GetAssemblyName(candidate);
            // Only serve a request our copy satisfies; otherwise let the runtime report it.
            return available.Version >= name.Version ? Assembly.LoadFrom(candidate) : null;
        }
    }
}

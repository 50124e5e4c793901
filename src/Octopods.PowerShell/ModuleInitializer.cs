using System;
using System.IO;
using System.Management.Automation;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Octopods.PowerShell.Loading;

namespace Octopods.PowerShell
{
    /// <summary>
    /// Runs when the module is imported (from Octopods.psm1), before any cmdlet needs the core: refuses a host the module
    /// cannot serve, then sets up how the module's own assemblies in Dependencies/ are found (a load
    /// context of their own on PowerShell 7, a narrow AssemblyResolve handler on Windows PowerShell).
    /// Nothing here may touch a type of the core or of PhoneNumbers.
    /// </summary>
    /// <remarks>
    /// Remove-Module forgets the session's connections (<see cref="Forget"/>, from Octopods.psm1). The
    /// resolver and the type names stay: they are the process's, another runspace may still use the
    /// module, and assemblies never unload; importing again finds them in place.
    /// </remarks>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer
    {
        private static readonly string ModuleFolder = Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location) ?? ".";
        private static readonly string DependencyFolder = Path.Combine(ModuleFolder, "Dependencies");

        private static bool IsDesktop => RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal);

        public void OnImport() => Prepare();

        /// <summary>
        /// Called by Octopods.psm1 before the cmdlets are imported (PowerShell inspects their types
        /// before any initializer runs), and again by <see cref="OnImport"/>: idempotent.
        /// </summary>
        public static void Prepare()
        {
            var powerShell = typeof(PSObject).Assembly.GetName().Version ?? new Version(0, 0);
            if (HostSupport.Refusal(IsDesktop, powerShell, Environment.Version) is string refusal)
                throw new PSNotSupportedException(refusal);
            if (IsDesktop) RegisterDesktop();
            else RegisterCore();
        }


        /// <summary>Remove-Module: this session's connections, keys included, are forgotten.</summary>
        public static void Forget() => ForgetConnections();

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void ForgetConnections() => Session.SessionConnections.ForgetCurrent();

        // Separate methods: compiling one must not need the other edition's types (System.Runtime.Loader on 5.1).
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void RegisterDesktop() => DesktopDependencies.Register(ModuleFolder, DependencyFolder);

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void RegisterCore() => CoreDependencies.Register(DependencyFolder);

    }
}

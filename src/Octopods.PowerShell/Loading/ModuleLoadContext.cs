using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace Octopods.PowerShell.Loading
{
    /// <summary>
    /// PowerShell 7: the module's own assemblies (the core and PhoneNumbers) in a load context of
    /// their own, so another module's copy of the same assembly, at any version, neither breaks nor is
    /// broken by this one. Anything else (System.Text.Json and the rest of .NET) comes from the host.
    /// </summary>
    internal sealed class ModuleLoadContext : AssemblyLoadContext
    {
        /// <summary>The assemblies this context loads; every other name falls through to the host's.</summary>
        internal static readonly string[] Own = { "Octopods", "PhoneNumbers" };

        private readonly string _folder;

        public ModuleLoadContext(string folder)
        {
            _folder = folder;
        }

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            if (!IsOwn(assemblyName.Name)) return null;
            var path = Path.Combine(_folder, assemblyName.Name + ".dll");
            return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }

        internal static bool IsOwn(string? name) => name != null && System.Array.IndexOf(Own, name) >= 0;
    }
}

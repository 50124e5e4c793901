using System.Reflection;
using System.Runtime.Loader;

namespace Octopods.PowerShell.Loading
{
    /// <summary>
    /// PowerShell 7: when the cmdlets (in the default context, where PowerShell loads them) first need
    /// the core, it is loaded into <see cref="ModuleLoadContext"/>, and with it everything it needs of
    /// the module's own. Only the module's own names are answered.
    /// </summary>
    internal static class CoreDependencies
    {
        private static ModuleLoadContext? _context;

        public static void Register(string folder)
        {
            _context ??= new ModuleLoadContext(folder);
            AssemblyLoadContext.Default.Resolving -= OnResolving;
            AssemblyLoadContext.Default.Resolving += OnResolving;
        }

        public static void Unregister() => AssemblyLoadContext.Default.Resolving -= OnResolving;

        private static Assembly? OnResolving(AssemblyLoadContext context, AssemblyName name) =>
            _context != null && ModuleLoadContext.IsOwn(name.Name) ? _context.LoadFromAssemblyName(name) : null;
    }
}

using System;
using System.IO;
using System.Linq;
using System.Reflection;

namespace Octopods.PowerShell.Loading
{
    /// <summary>
    /// Windows PowerShell 5.1: the module's assemblies and its .NET back-fills (System.Text.Json and
    /// friends) live in Dependencies/ and are handed out by an AssemblyResolve handler only when the
    /// runtime cannot find them itself, as <see cref="DependencyChoice"/> decides.
    /// </summary>
    internal static class DesktopDependencies
    {
        private static string _folder = "";
        private static string _moduleFolder = "";

        public static void Register(string moduleFolder, string folder)
        {
            _moduleFolder = moduleFolder;
            _folder = folder;
            AppDomain.CurrentDomain.AssemblyResolve -= Resolve;
            AppDomain.CurrentDomain.AssemblyResolve += Resolve;
        }

        private static Assembly? Resolve(object? sender, ResolveEventArgs args)
        {
            var requested = new AssemblyName(args.Name);
            string? requester = null;
            try { requester = args.RequestingAssembly?.Location; }
            catch (NotSupportedException) { }   // a dynamic assembly has no location: not ours
            var loaded = AppDomain.CurrentDomain.GetAssemblies()
                .Where(a => string.Equals(a.GetName().Name, requested.Name, StringComparison.OrdinalIgnoreCase))
                .Select(a => new System.Collections.Generic.KeyValuePair<AssemblyName, Assembly>(a.GetName(), a));
            var (assembly, path) = DependencyChoice.Choose(_moduleFolder, string.IsNullOrEmpty(requester) ? null : requester, requested, loaded, Shipped);
            return assembly ?? (path != null ? Assembly.LoadFrom(path) : null);
        }

        private static (AssemblyName Name, string Path)? Shipped(string simpleName)
        {
            var path = Path.Combine(_folder, simpleName + ".dll");
            return File.Exists(path) ? (AssemblyName.GetAssemblyName(path), path) : ((AssemblyName, string)?)null;
        }
    }
}

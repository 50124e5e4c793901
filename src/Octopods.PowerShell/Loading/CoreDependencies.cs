using System;
using System.Collections.Generic;
using System.Management.Automation;
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

        private static readonly List<string> Accelerated = new List<string>();

        public static void Register(string folder)
        {
            _context ??= new ModuleLoadContext(folder);
            AssemblyLoadContext.Default.Resolving -= OnResolving;
            AssemblyLoadContext.Default.Resolving += OnResolving;
            AddTypeNames();
        }

        // PowerShell finds a type written in a script ([Octopods.Sms.SmsSendResult], -is, -as) only in the
        // default context. Each user-facing type of the core (an explicit list, not a scan of the
        // assembly) is made a type accelerator under its full name, so scripts name them as they would
        // on Windows PowerShell. Called after the Resolving handler is in place: the list's types come
        // from the module's load context.
        private static void AddTypeNames()
        {
            var accelerators = typeof(PSObject).Assembly.GetType("System.Management.Automation.TypeAccelerators");
            var add = accelerators?.GetMethod("Add", BindingFlags.Public | BindingFlags.Static, null, new[] { typeof(string), typeof(Type) }, null);
            if (add == null || _context == null) return;
            lock (Accelerated)
            {
                if (Accelerated.Count > 0) return;
                foreach (var type in UserFacingTypes.All)
                {
                    add.Invoke(null, new object[] { type.FullName!, type });
                    Accelerated.Add(type.FullName!);
                }
            }
        }

        private static Assembly? OnResolving(AssemblyLoadContext context, AssemblyName name) =>
            _context != null && ModuleLoadContext.IsOwn(name.Name) ? _context.LoadFromAssemblyName(name) : null;
    }
}

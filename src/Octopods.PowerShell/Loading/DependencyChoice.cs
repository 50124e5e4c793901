using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Reflection;

namespace Octopods.PowerShell.Loading
{
    /// <summary>
    /// What Windows PowerShell's AssemblyResolve handler answers (pure, so it is unit-tested without
    /// .NET Framework): a request made by another module's assembly is not ours to answer; an
    /// assembly already loaded that satisfies the request is preferred to a second copy; otherwise
    /// the module's own copy from its Dependencies folder, when it is recent enough.
    /// </summary>
    internal static class DependencyChoice
    {
        /// <param name="moduleFolder">The module's folder (its assemblies and Dependencies/ under it).</param>
        /// <param name="requesterLocation">Where the requesting assembly was loaded from; null when the runtime does not say.</param>
        /// <param name="requested">The assembly asked for.</param>
        /// <param name="loaded">The assemblies loaded now, with a handle to return.</param>
        /// <param name="shipped">The name of the module's own copy of a simple name, or null when it ships none.</param>
        /// <returns>An already-loaded assembly to answer with, or a path to load, or neither (let the runtime fail).</returns>
        public static (T? Loaded, string? LoadPath) Choose<T>(
            string moduleFolder, string? requesterLocation, AssemblyName requested,
            IEnumerable<KeyValuePair<AssemblyName, T>> loaded, Func<string, (AssemblyName Name, string Path)?> shipped)
            where T : class
        {
            if (requested?.Name == null) return (null, null);
            // Another module's request: its own resolver (or none) decides, never ours.
            if (requesterLocation != null && !IsUnder(requesterLocation, moduleFolder)) return (null, null);
            var own = shipped(requested.Name);
            // The runtime often does not name the requester: answer only for names the module ships.
            if (requesterLocation == null && own == null) return (null, null);
            foreach (var candidate in loaded)
                if (Satisfies(candidate.Key, requested)) return (candidate.Value, null);
            if (own.HasValue && Satisfies(own.Value.Name, requested)) return (null, own.Value.Path);
            return (null, null);
        }

        /// <summary>Same simple name and public key token (when the request names one), and a version at least the one asked for.</summary>
        public static bool Satisfies(AssemblyName available, AssemblyName requested)
        {
            if (!string.Equals(available.Name, requested.Name, StringComparison.OrdinalIgnoreCase)) return false;
            var wantedToken = requested.GetPublicKeyToken();
            if (wantedToken != null && wantedToken.Length > 0)
            {
                var token = available.GetPublicKeyToken();
                if (token == null || !((IStructuralEquatable)wantedToken).Equals(token, StructuralComparisons.StructuralEqualityComparer)) return false;
            }
            return requested.Version == null || (available.Version != null && available.Version >= requested.Version);
        }

        private static bool IsUnder(string path, string folder)
        {
            var full = Path.GetFullPath(path);
            var root = Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar) + Path.DirectorySeparatorChar;
            return full.StartsWith(root, StringComparison.OrdinalIgnoreCase);
        }
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Reflection;
using Xunit;

namespace Octopods.Tests.Http
{
    public class HttpClientCacheTests
    {
        private static readonly Type Cache = typeof(Octopods.Http.OctopodsClient).Assembly.GetType("Octopods.Http.HttpClientCache", throwOnError: true)!;
        private static readonly MethodInfo Setter = typeof(HttpClientHandler).GetProperty(nameof(HttpClientHandler.MaxConnectionsPerServer))!.SetMethod!;

        /// <summary>The methods a method's IL calls (call, callvirt, newobj), resolved.</summary>
        private static IEnumerable<MethodBase> Calls(MethodInfo method)
        {
            var il = method.GetMethodBody()!.GetILAsByteArray()!;
            for (var i = 0; i + 4 < il.Length; i++)
            {
                if (il[i] != 0x28 && il[i] != 0x6F && il[i] != 0x73) continue;
                var token = BitConverter.ToInt32(il, i + 1);
                MethodBase? target = null;
                try { target = method.Module.ResolveMethod(token); }
                catch (ArgumentException) { }
                if (target != null) yield return target;
            }
        }

        private static MethodInfo Method(string name) => Cache.GetMethod(name, BindingFlags.NonPublic | BindingFlags.Static)!;

        [Fact]
        public void MaxConnectionsPerServer_is_set_in_its_own_uninlined_method_so_a_missing_setter_is_caught()
        {
            // On .NET Framework before 4.7.1 the setter is missing: the JIT fails when it compiles a method
            // that uses it, so that method must be a separate, never-inlined callee of the try.
            var set = Method("SetMaxConnections");
            Assert.Contains(Calls(set), m => m == Setter);
            Assert.True(set.MethodImplementationFlags.HasFlag(MethodImplAttributes.NoInlining));
            Assert.DoesNotContain(Calls(Method("NewHandler")), m => m == Setter);
            var trySet = Method("TrySetMaxConnections");
            Assert.DoesNotContain(Calls(trySet), m => m == Setter);
            Assert.Contains(Calls(trySet), m => m == set);
            var handled = trySet.GetMethodBody()!.ExceptionHandlingClauses.Select(c => c.CatchType).ToList();
            Assert.Contains(typeof(MissingMethodException), handled);
            Assert.Contains(typeof(PlatformNotSupportedException), handled);
        }
    }
}

using System;
using System.Linq;
using System.Reflection;

namespace Octopods.PowerShell.Infrastructure
{
    /// <summary>
    /// Runs an action when the process is asked to end (SIGTERM from a service manager, a container
    /// runtime or kill), before it ends. pwsh ends at once on SIGTERM without Ctrl+C's stop, so a bulk
    /// run would leave rows the service answered as unknown. The signal API is .NET 6's
    /// PosixSignalRegistration, reached by reflection (the module builds for netstandard2.0); on
    /// Windows PowerShell there is no such signal and nothing is registered.
    /// </summary>
    internal static class ProcessTermination
    {
        private static readonly Type? Registration = Type.GetType("System.Runtime.InteropServices.PosixSignalRegistration, System.Runtime.InteropServices", throwOnError: false);
        private static readonly Type? Signal = Type.GetType("System.Runtime.InteropServices.PosixSignal, System.Runtime.InteropServices", throwOnError: false);
        private static readonly Type? Context = Type.GetType("System.Runtime.InteropServices.PosixSignalContext, System.Runtime.InteropServices", throwOnError: false);

        /// <summary>Runs <paramref name="onTerminate"/> on SIGTERM until the result is disposed; null where the platform has no such signal.</summary>
        public static IDisposable? Register(Action onTerminate)
        {
            if (Registration == null || Signal == null || Context == null) return null;
            var create = Registration.GetMethods(BindingFlags.Public | BindingFlags.Static).FirstOrDefault(m => m.Name == "Create" && m.GetParameters().Length == 2);
            if (create == null) return null;
            var handler = Delegate.CreateDelegate(typeof(Action<>).MakeGenericType(Context), new Handler(onTerminate),
                typeof(Handler).GetMethod(nameof(Handler.Run))!.MakeGenericMethod(Context));
            try
            {
                return create.Invoke(null, new object[] { Enum.Parse(Signal, "SIGTERM"), handler }) as IDisposable;
            }
            catch (TargetInvocationException)
            {
                return null;   // a platform without the signal
            }
        }

        private sealed class Handler
        {
            private readonly Action _action;

            public Handler(Action action) => _action = action;

            // The context is not touched: the process goes on to end once the action returns.
            public void Run<TContext>(TContext context) => _action();
        }
    }
}

using System.Management.Automation;
using System.Reflection;

namespace Octopods.PowerShell.Infrastructure
{
    /// <summary>
    /// Makes -Debug show diagnostics without asking anything. On a compiled cmdlet the engine reads
    /// -Debug as Inquire for the verbose and warning streams (and for debug too on Windows
    /// PowerShell), so each line would ask "Continue with this operation?" and a -NonInteractive job
    /// would fail. With -Debug the command instead shows its verbose and debug lines, and warnings and
    /// errors follow -WarningAction/-ErrorAction or their preference variables as they do without -Debug. The runtime's setters
    /// for these are internal; on an engine without them the engine's own behaviour stays.
    /// </summary>
    internal static class PromptFreeDebug
    {
        private const BindingFlags Internal = BindingFlags.Instance | BindingFlags.NonPublic;

        public static void Apply(PSCmdlet cmdlet)
        {
            var bound = cmdlet.MyInvocation.BoundParameters;
            if (!(bound.TryGetValue("Debug", out var debug) && debug is SwitchParameter flag && flag.IsPresent)) return;

            var runtime = cmdlet.CommandRuntime;
            if (!bound.ContainsKey("Verbose")) Set(runtime, "Verbose", true);
            if (!bound.ContainsKey("WarningAction"))
                Set(runtime, "WarningPreference", Preference(cmdlet, "WarningPreference", ActionPreference.Continue));
            // Windows PowerShell also reads -Debug as Inquire for errors: each row's error would ask.
            if (!bound.ContainsKey("ErrorAction"))
                Set(runtime, "ErrorAction", Preference(cmdlet, "ErrorActionPreference", ActionPreference.Continue));
            Set(runtime, "DebugPreference", ActionPreference.Continue);
        }

        /// <summary>The caller's preference variable, as the engine would read it without -Debug.</summary>
        private static ActionPreference Preference(PSCmdlet cmdlet, string variable, ActionPreference fallback)
        {
            try
            {
                var value = cmdlet.GetVariableValue(variable);
                return value == null ? fallback : LanguagePrimitives.ConvertTo<ActionPreference>(value);
            }
            catch (PSInvalidCastException)
            {
                return fallback;
            }
        }

        private static void Set(object runtime, string property, object value)
        {
            var setter = runtime.GetType().GetProperty(property, Internal)?.GetSetMethod(nonPublic: true);
            if (setter == null || !setter.GetParameters()[0].ParameterType.IsInstanceOfType(value)) return;
            try
            {
                setter.Invoke(runtime, new[] { value });
            }
            catch (TargetInvocationException)
            {
                // An engine that refuses the value keeps its own behaviour: a prompt, never a failure.
            }
        }
    }
}

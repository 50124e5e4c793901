using System;
using System.Management.Automation;

namespace Octopods.PowerShell.Infrastructure
{
    /// <summary>
    /// Lets a switch bind from CSV text: Import-Csv yields "true", "False", "yes", "1" or "" where
    /// PowerShell's binder accepts only real booleans for a switch. Text that is none of these binds as
    /// false and is kept for the command to refuse the row by name: a binding error would make
    /// PowerShell skip the row before the command sees it, and every later row's number would be off.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    internal sealed class BooleanTextAttribute : ArgumentTransformationAttribute
    {
        // Binding and the ProcessRecord it feeds run on the pipeline thread, one row at a time.
        [ThreadStatic]
        private static string? _rejected;

        /// <summary>The text the last binding could not read as yes or no (and forgets it); null when none.</summary>
        public static string? TakeRejected()
        {
            var text = _rejected;
            _rejected = null;
            return text;
        }

        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            var value = inputData is PSObject ps ? ps.BaseObject : inputData;
            if (value is string text)
            {
                switch (text.Trim().ToLowerInvariant())
                {
                    case "true": case "yes": case "y": case "1": case "on": return true;
                    case "false": case "no": case "n": case "0": case "off": case "": return false;
                }
                _rejected = text;
                return false;
            }
            if (value is int number) return number != 0;
            return inputData;
        }
    }
}

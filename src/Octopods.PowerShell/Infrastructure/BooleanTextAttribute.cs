using System;
using System.Management.Automation;

namespace Octopods.PowerShell.Infrastructure
{
    /// <summary>
    /// Lets a switch bind from CSV text: Import-Csv yields "true", "False", "yes", "1" or "" where
    /// PowerShell's binder accepts only real booleans for a switch.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    internal sealed class BooleanTextAttribute : ArgumentTransformationAttribute
    {
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
                throw new ArgumentTransformationMetadataException(
                    $"'{text}' is not a yes/no value. Use true or false (also accepted: yes/no, 1/0).");
            }
            if (value is int number) return number != 0;
            return inputData;
        }
    }
}

using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using Octopods.Phones;

namespace Octopods.PowerShell.Completers
{
    /// <summary>Tab completion for -DefaultRegion from the regions libphonenumber knows.</summary>
    public sealed class RegionCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var prefix = (wordToComplete ?? "").Trim('\'', '"');
            return PhoneNumberNormalizer.RegionCodes
                .Where(code => code.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .Select(code => new CompletionResult(code, code, CompletionResultType.ParameterValue, code));
        }
    }
}

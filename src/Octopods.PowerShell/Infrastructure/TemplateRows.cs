using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Octopods.Errors;
using Octopods.Templates;

namespace Octopods.PowerShell.Infrastructure
{
    /// <summary>
    /// What the WhatsApp and Viber template sends share besides parameters: a row's variables, by
    /// section or raw, from the parameters or the piped row's columns; and the check of each request
    /// against its template, read once per invocation (<see cref="TemplateCheck"/>).
    /// </summary>
    internal sealed class TemplateRows
    {
        private readonly OctopodsChannel _channel;
        private readonly ITemplateVariableParameters _parameters;
        private readonly System.Func<ITemplateSource> _source;
        private TemplateCheck? _templates;

        public TemplateRows(OctopodsChannel channel, ITemplateVariableParameters parameters, System.Func<ITemplateSource> source)
        {
            _channel = channel;
            _parameters = parameters;
            _source = source;
        }

        /// <summary>Checks a request against its template (the first use of a template reads it).</summary>
        public Task<TemplateCheckResult> CheckAsync(TemplateSendRequest request, CancellationToken cancellationToken) =>
            (_templates ??= new TemplateCheck(_source())).CheckAsync(request, cancellationToken);

        /// <summary>The row's variables; <paramref name="bound"/> tells a parameter typed on the command from one bound from the row.</summary>
        public TemplateVariables Variables(PSObject? row, IDictionary<string, object> bound)
        {
            var p = _parameters;
            var header = Section(p.HeaderVariable, p.HeaderVariableProperty, nameof(p.HeaderVariable), row, bound);
            var body = Section(p.BodyVariable, p.BodyVariableProperty, nameof(p.BodyVariable), row, bound);
            var footer = Section(p.FooterVariable, p.FooterVariableProperty, nameof(p.FooterVariable), row, bound);
            var buttons = Section(p.ButtonVariable, p.ButtonVariableProperty, nameof(p.ButtonVariable), row, bound);
            var sectioned = header != null || body != null || footer != null || buttons != null;
            // A blank message_variables cell in a CSV means "none given", not one empty variable.
            var raw = PowerShellValues.Unwrap(p.Variables);
            if (raw is string text && string.IsNullOrWhiteSpace(text)) raw = null;
            if (raw != null)
            {
                if (sectioned)
                {
                    throw new OctopodsException(ErrorNames.VariablesConflict, OctopodsErrorKind.InvalidArgument,
                        "The variables are given twice: raw with -Variables and by section",
                        "Use either -Variables, or the section parameters (-BodyVariable, -HeaderVariable, … and their -…Property forms).");
                }
                return TemplateVariables.FromRaw(raw);
            }
            return TemplateVariables.FromSections(header, body, footer, buttons);
        }

        /// <summary>
        /// The error for a first piped row that lacks a column a -…VariableProperty names: a CSV's rows
        /// share their columns, so no row could be filled, and the command stops before any is sent.
        /// Null when every named column is there.
        /// </summary>
        public OctopodsException? MissingColumns(PSObject? row)
        {
            if (row == null) return null;
            var p = _parameters;
            foreach (var (names, parameter) in new[]
            {
                (p.HeaderVariableProperty, nameof(p.HeaderVariable)), (p.BodyVariableProperty, nameof(p.BodyVariable)),
                (p.FooterVariableProperty, nameof(p.FooterVariable)), (p.ButtonVariableProperty, nameof(p.ButtonVariable)),
            })
            {
                var missing = names?.Where(name => PowerShellValues.Property(row, name) == null).ToList();
                if (missing == null || missing.Count == 0) continue;
                return new OctopodsException(ErrorNames.ArgumentMissing, OctopodsErrorKind.InvalidArgument,
                    $"The rows have no column {string.Join(", ", missing.Select(m => "'" + m + "'"))} for -{parameter}Property " +
                    $"(their columns: {string.Join(", ", PowerShellValues.PropertyNames(row))}); nothing was sent",
                    $"Name the file's own columns in -{parameter}Property (names are matched without regard to case).");
            }
            return null;
        }

        /// <summary>A section's values: given directly, or read from the named properties of the piped row.</summary>
        private string[]? Section(string[]? values, string[]? properties, string parameter, PSObject? row, IDictionary<string, object> bound)
        {
            if (properties == null) return values;
            if (values != null && bound.ContainsKey(parameter))
            {
                throw new OctopodsException(ErrorNames.VariablesConflict, OctopodsErrorKind.InvalidArgument,
                    $"-{parameter} and -{parameter}Property are both given",
                    $"Use -{parameter} for fixed values, or -{parameter}Property to take them from the piped rows' columns.");
            }
            if (row == null)
            {
                throw new OctopodsException(ErrorNames.ArgumentMissing, OctopodsErrorKind.InvalidArgument,
                    $"-{parameter}Property reads the variables from piped objects, but nothing was piped",
                    $"Pipe the rows in (Import-Csv orders.csv | Send-Octopods{_channel}Template …), or give the values with -{parameter}.");
            }
            return properties.Select(name => PowerShellValues.Property(row, name) is { } value
                ? value
                : throw new OctopodsException(ErrorNames.ArgumentMissing, OctopodsErrorKind.InvalidArgument,
                    $"The input has no property '{name}' for -{parameter}Property (it has: {string.Join(", ", PowerShellValues.PropertyNames(row))})",
                    "Check the column names of the CSV file; names are matched without regard to case.")).ToArray();
        }
    }
}

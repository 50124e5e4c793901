using System.Linq;
using System.Management.Automation;
using Octopods.Errors;
using Octopods.PowerShell.Completers;
using Octopods.PowerShell.Infrastructure;
using Octopods.Templates;

namespace Octopods.PowerShell.CommandBases
{
    /// <summary>
    /// What the WhatsApp and Viber template sends share: the parameters, and the two steps kept
    /// apart: <see cref="BuildRequest"/> (bind the row, validate, check against the template fetched
    /// once per invocation, on the pipeline thread) and the POST, which alone goes through the core's
    /// bulk engine (-ThrottleLimit, -RatePerSecond, 429 pauses, -JournalPath resume), as for SMS.
    /// </summary>
    public abstract class TemplateSendCmdlet<TResult> : BulkSendCmdlet<TemplateSendRequest, TResult> where TResult : TemplateSendResult
    {
        /// <summary>The template to send (its id is in the request path). Only accepted templates can be sent.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("template_id")]
        [ArgumentCompleter(typeof(TemplateIdCompleter))]
        [AllowEmptyString, AllowNull]
        public string? TemplateId { get; set; }

        /// <summary>
        /// The recipients in E.164 (+14155552671); national formats need -DefaultRegion. Several numbers
        /// (an array, or one text separated by ';' or ',') are one message each.
        /// </summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("To", "Phone", "PhoneNumber", "Mobile", "destination_phone")]
        [AllowEmptyString, AllowNull, AllowEmptyCollection]
        public string[]? DestinationPhone { get; set; }

        /// <summary>The body's variables, in placeholder order. Alone, they are sent as the plain list body-only templates take.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [AllowEmptyCollection, AllowEmptyString]
        public string[]? BodyVariable { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [AllowEmptyCollection, AllowEmptyString]
        public string[]? HeaderVariable { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [AllowEmptyCollection, AllowEmptyString]
        public string[]? FooterVariable { get; set; }

        /// <summary>Names of the piped object's properties (CSV columns) whose values, in order, are the body variables.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? BodyVariableProperty { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? HeaderVariableProperty { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? FooterVariableProperty { get; set; }

        /// <summary>message_variables passed through unchanged: an array, a hashtable (sections or a {"1": …} map) or JSON text.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("message_variables")]
        public object? Variables { get; set; }

        /// <summary>The header URL of this family (-HeaderAttachmentUrl or -HeaderImageUrl).</summary>
        protected abstract string? HeaderUrl { get; }
        /// <summary>Button variables given directly or by property (WhatsApp only); null when not given.</summary>
        protected virtual string[]? ButtonValues(PSObject? row) => null;

        /// <summary>Where this family's templates are read, for the checks before sending.</summary>
        internal abstract ITemplateSource TemplateSource { get; }

        private TemplateCheck? _templates;

        /// <summary>
        /// Step one: the request to one number of the row, validated and checked against its template;
        /// null when it became an error (handed to the engine, so it keeps its place in the output order). Makes at
        /// most one GET per template per invocation, on the pipeline thread; sends may be in flight meanwhile.
        /// </summary>
        internal TemplateSendRequest? BuildRequest(string number, object target)
        {
            TemplateSendRequest request;
            try
            {
                var variables = BuildVariables();
                request = TemplateSendRequest.Create(Channel, TemplateId, number, variables, HeaderUrl, DestinationUserName,
                    OpenIntercomChoice,
                    IntercomTeammateId, DefaultRegion);
            }
            catch (OctopodsException ex)
            {
                SubmitInvalid(ex, target);
                return null;
            }

            // A dry run without a key cannot read the template; it still validated everything else.
            if (!HasConnection) return request;
            var templates = _templates ??= new TemplateCheck(TemplateSource);
            var check = RunGuarded(ct => templates.CheckAsync(request, ct));
            if (check.Refusal != null)
            {
                SubmitInvalid(check.Refusal, target);
                return null;
            }
            if (check.NotChecked != null)
                WriteVerbose($"Template {request.TemplateId} could not be read ({check.NotChecked.Detail}); sending without checking its variables.");
            return request;
        }

        // Only the POST goes through the engine (on its workers); building and checking run here.
        protected override void ProcessRecord() => SubmitRecipients(DestinationPhone, BuildRequest,
            request => request.DestinationPhone,
            request => $"Send {Channel} template {request.TemplateId} ({request.Variables})");

        /// <summary>Waits for the rows still in flight and writes them in order, then the summary.</summary>
        protected override void EndProcessing() => FinishRows();

        private TemplateVariables BuildVariables()
        {
            var row = InputObject;
            var header = Section(HeaderVariable, HeaderVariableProperty, nameof(HeaderVariable), row);
            var body = Section(BodyVariable, BodyVariableProperty, nameof(BodyVariable), row);
            var footer = Section(FooterVariable, FooterVariableProperty, nameof(FooterVariable), row);
            var buttons = ButtonValues(row);
            var sectioned = header != null || body != null || footer != null || buttons != null;
            // A blank message_variables cell in a CSV means "none given", not one empty variable.
            var raw = PowerShellValues.Unwrap(Variables);
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

        /// <summary>A section's values: given directly, or read from the named properties of the piped row.</summary>
        internal string[]? Section(string[]? values, string[]? properties, string parameter, PSObject? row)
        {
            if (properties == null) return values;
            if (values != null && MyInvocation.BoundParameters.ContainsKey(parameter))
            {
                throw new OctopodsException(ErrorNames.VariablesConflict, OctopodsErrorKind.InvalidArgument,
                    $"-{parameter} and -{parameter}Property are both given",
                    $"Use -{parameter} for fixed values, or -{parameter}Property to take them from the piped rows' columns.");
            }
            if (row == null)
            {
                throw new OctopodsException(ErrorNames.ArgumentMissing, OctopodsErrorKind.InvalidArgument,
                    $"-{parameter}Property reads the variables from piped objects, but nothing was piped",
                    $"Pipe the rows in (Import-Csv orders.csv | Send-Octopods{Channel}Template …), or give the values with -{parameter}.");
            }
            return properties.Select(name => PowerShellValues.Property(row, name) is { } value
                ? value
                : throw new OctopodsException(ErrorNames.ArgumentMissing, OctopodsErrorKind.InvalidArgument,
                    $"The input has no property '{name}' for -{parameter}Property (it has: {string.Join(", ", PowerShellValues.PropertyNames(row))})",
                    "Check the column names of the CSV file; names are matched without regard to case.")).ToArray();
        }
    }
}

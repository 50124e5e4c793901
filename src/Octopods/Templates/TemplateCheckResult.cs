using Octopods.Errors;

namespace Octopods.Templates
{
    /// <summary>What <see cref="TemplateCheck"/> found for one send: go, refuse the row, or go unchecked.</summary>
    internal sealed class TemplateCheckResult
    {
        private TemplateCheckResult(MessageTemplate? template, OctopodsException? refusal, OctopodsException? notChecked)
        {
            Template = template;
            Refusal = refusal;
            NotChecked = notChecked;
        }

        /// <summary>The template the request was checked against; null when it could not be.</summary>
        public MessageTemplate? Template { get; }

        /// <summary>Why the row must not be sent (the template does not exist, or the variables do not fit it).</summary>
        public OctopodsException? Refusal { get; }

        /// <summary>Why the template could not be read (timeout, 5xx, an unreadable answer): the send goes ahead unchecked.</summary>
        public OctopodsException? NotChecked { get; }

        internal static TemplateCheckResult Passed(MessageTemplate template) => new TemplateCheckResult(template, null, null);
        internal static TemplateCheckResult Refused(MessageTemplate? template, OctopodsException reason) => new TemplateCheckResult(template, reason, null);
        internal static TemplateCheckResult Unchecked(OctopodsException reason) => new TemplateCheckResult(null, null, reason);
    }
}

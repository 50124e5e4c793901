namespace Octopods.PowerShell.Infrastructure
{
    /// <summary>The variable parameters of a template send, as the command bound them for the current row.</summary>
    internal interface ITemplateVariableParameters
    {
        string[]? HeaderVariable { get; }
        string[]? BodyVariable { get; }
        string[]? FooterVariable { get; }
        string[]? HeaderVariableProperty { get; }
        string[]? BodyVariableProperty { get; }
        string[]? FooterVariableProperty { get; }

        /// <summary>Button variables (WhatsApp only; null elsewhere).</summary>
        string[]? ButtonVariable { get; }
        string[]? ButtonVariableProperty { get; }

        /// <summary>message_variables passed through unchanged (-Variables).</summary>
        object? Variables { get; }
    }
}

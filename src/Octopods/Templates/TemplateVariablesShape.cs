namespace Octopods.Templates
{
    /// <summary>How the variables of a template send are written: the contract documents three shapes.</summary>
    internal enum TemplateVariablesShape
    {
        /// <summary>No message_variables field: a template without placeholders.</summary>
        None,
        /// <summary>A plain array, for body-only templates: ["Alex","1234"].</summary>
        List,
        /// <summary>{"header":[…],"body":[…],"footer":[…],"buttons":[…]} with every section present.</summary>
        Sections,
        /// <summary>Whatever the caller gave with -Variables, written unchanged (array, object, {"1": …} map).</summary>
        Raw,
    }
}

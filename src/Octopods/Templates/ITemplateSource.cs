using System.Threading;
using System.Threading.Tasks;

namespace Octopods.Templates
{
    /// <summary>Where a channel's templates are read one by one (the WhatsApp and Viber APIs), for <see cref="TemplateCheck"/>.</summary>
    internal interface ITemplateSource
    {
        OctopodsChannel Channel { get; }

        /// <summary>One template by id; <see cref="Errors.ErrorNames.TemplateNotExist"/> when the service says there is none.</summary>
        Task<MessageTemplate> GetTemplateAsync(string templateId, CancellationToken cancellationToken);
    }
}

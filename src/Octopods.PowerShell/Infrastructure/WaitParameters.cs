using System.Management.Automation;

namespace Octopods.PowerShell.Infrastructure
{
    /// <summary>
    /// -Wait and its companions, declared once for every command that follows messages (the SMS and
    /// WhatsApp sends and status commands). Those commands share no base class that could hold them,
    /// so each offers this object as its dynamic parameters (IDynamicParameters), which PowerShell
    /// binds, completes and documents like any other parameter.
    /// </summary>
    public sealed class WaitParameters
    {
        /// <summary>Follow each message until its status is final.</summary>
        [Parameter]
        public SwitchParameter Wait { get; set; }

        /// <summary>How long -Wait follows the messages before giving up on those still moving.</summary>
        [Parameter]
        [ValidateRange(1, 86400)]
        public int TimeoutSeconds { get; set; } = 300;

        /// <summary>The first pause before polling; later pauses grow by half each time, up to 30 s.</summary>
        [Parameter]
        [ValidateRange(0.1, 3600)]
        public double PollIntervalSeconds { get; set; } = 2;
    }
}

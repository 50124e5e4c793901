using System;
using Octopods.Errors;

namespace Octopods.FlowControl
{
    /// <summary>
    /// Thrown when a send is stopped while it waited for its turn (a 429 pause, the pacer) or before
    /// it left: this attempt sent nothing, so the row was certainly not accepted (earlier attempts, if
    /// any, were refused with 429). The bulk engine journals it as a certain failure and reports the row
    /// as not attempted.
    /// </summary>
    internal sealed class SendStoppedException : OctopodsException
    {
        public SendStoppedException(string message, Exception? inner = null)
            : base(ErrorNames.SendStopped, OctopodsErrorKind.ConnectionError, message,
                "Nothing was sent, so a resumed run sends it.", inner)
        {
        }
    }
}

using System;
using System.Management.Automation;
using Octopods.PowerShell.Infrastructure;

namespace Octopods.PowerShell.CommandBases
{
    /// <summary>
    /// The base of the commands that need no key (connections, settings, Measure-OctopodsSms): the
    /// PowerShell hooks every command needs, with the work in a composed <see cref="CommandRuntime"/>.
    /// Commands that call the API derive from <see cref="OctopodsApiCmdlet"/>, which has the same hooks.
    /// </summary>
    public abstract class OctopodsCmdlet : PSCmdlet, IDisposable
    {
        private protected OctopodsCmdlet()
        {
            Runtime = new CommandRuntime(this);
        }

        internal CommandRuntime Runtime { get; }

        /// <summary>Every command: -Debug shows diagnostics without prompting (see PromptFreeDebug).</summary>
        protected override void BeginProcessing() => PromptFreeDebug.Apply(this);

        protected override void StopProcessing() => Runtime.Stop();

        /// <summary>PowerShell disposes a command when its pipeline ends, stopped or not.</summary>
        public void Dispose()
        {
            Dispose(true);
            GC.SuppressFinalize(this);
        }

        protected virtual void Dispose(bool disposing)
        {
            if (disposing) Runtime.Dispose();
        }
    }
}

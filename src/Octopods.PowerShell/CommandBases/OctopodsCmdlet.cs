using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Octopods.Errors;
using Octopods.PowerShell.Infrastructure;

namespace Octopods.PowerShell.CommandBases
{
    /// <summary>What every Octopods cmdlet shares: running core work with Ctrl+C support, and errors as records.</summary>
    public abstract class OctopodsCmdlet : PSCmdlet, IDisposable, ICommandOutput
    {
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private PipelineDispatcher? _dispatcher;

        internal PipelineDispatcher Dispatcher => _dispatcher ??= new PipelineDispatcher();

        PipelineDispatcher ICommandOutput.Dispatcher => Dispatcher;

        CancellationToken ICommandOutput.StopToken => StopToken;

        string ICommandOutput.CommandName => MyInvocation.MyCommand?.Name ?? GetType().Name;

        T ICommandOutput.Run<T>(Func<CancellationToken, Task<T>> work) => Run(work);

        void ICommandOutput.WriteInformation(object messageData, string[] tags) => WriteInformation(messageData, tags);

        void ICommandOutput.WarnThroughHost(string text)
        {
            try { Host?.UI?.WriteWarningLine(text); }
            catch (Exception ex) when (ex is PipelineStoppedException || ex is InvalidOperationException || ex is NotImplementedException) { }
        }

        /// <summary>Runs core async work; Ctrl+C cancels it and stops the pipeline.</summary>
        internal T Run<T>(Func<CancellationToken, Task<T>> work)
        {
            try
            {
                return Dispatcher.Run(work, _stop.Token);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
        }

        /// <summary>Every command: -Debug shows diagnostics without prompting (see PromptFreeDebug).</summary>
        protected override void BeginProcessing() => PromptFreeDebug.Apply(this);

        /// <summary>Cancelled by Ctrl+C (StopProcessing).</summary>
        internal CancellationToken StopToken => _stop.Token;

        protected override void StopProcessing()
        {
            try { _stop.Cancel(); }
            catch (ObjectDisposedException) { return; }   // the command already ended
            OnStopping();
        }

        /// <summary>PowerShell disposes a command when its pipeline ends, stopped or not.</summary>
        public void Dispose()
        {
            Dispose(true);
            GC.SuppressFinalize(this);
        }

        protected virtual void Dispose(bool disposing)
        {
            if (!disposing) return;
            _dispatcher?.Dispose();
            _stop.Dispose();
        }

        /// <summary>Called on the stopping thread after cancellation; must not write to any stream.</summary>
        internal virtual void OnStopping() { }

        /// <summary>A dry run, whether -WhatIf was typed here or inherited through $WhatIfPreference.</summary>
        internal bool WhatIfInEffect =>
            (MyInvocation.BoundParameters.TryGetValue("WhatIf", out var value) && value is SwitchParameter typed && typed.IsPresent) ||
            LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));

        internal void WriteError(OctopodsException error, object? target) => WriteError(ErrorRecords.From(error, target));

        void ICommandOutput.WriteError(OctopodsException error, object? target) => WriteError(error, target);

        internal void ThrowTerminating(OctopodsException error, object? target) => ThrowTerminatingError(ErrorRecords.From(error, target));

        void ICommandOutput.ThrowTerminating(OctopodsException error, object? target) => ThrowTerminating(error, target);
    }
}

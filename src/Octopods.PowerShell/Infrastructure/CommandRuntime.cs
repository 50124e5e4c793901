using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Octopods.Errors;

namespace Octopods.PowerShell.Infrastructure
{
    /// <summary>
    /// What every Octopods command runs with, composed rather than inherited: Ctrl+C as a
    /// cancellation, the dispatcher that brings core work back to the pipeline thread, and errors as
    /// records. It is the command's <see cref="ICommandOutput"/>, writing through the cmdlet's own streams.
    /// </summary>
    internal sealed class CommandRuntime : ICommandOutput, IDisposable
    {
        private readonly PSCmdlet _cmdlet;
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private PipelineDispatcher? _dispatcher;

        public CommandRuntime(PSCmdlet cmdlet)
        {
            _cmdlet = cmdlet;
        }

        public PipelineDispatcher Dispatcher => _dispatcher ??= new PipelineDispatcher();

        /// <summary>Cancelled by Ctrl+C (<see cref="Stop"/>).</summary>
        public CancellationToken StopToken => _stop.Token;

        public string CommandName => _cmdlet.MyInvocation.MyCommand?.Name ?? _cmdlet.GetType().Name;

        /// <summary>Ctrl+C, on the stopping thread: cancels the command's work. False when the command had already ended.</summary>
        public bool Stop()
        {
            try
            {
                _stop.Cancel();
                return true;
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
        }

        /// <summary>Runs core async work; Ctrl+C cancels it and stops the pipeline.</summary>
        public T Run<T>(Func<CancellationToken, Task<T>> work)
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

        /// <summary>A dry run, whether -WhatIf was typed here or inherited through $WhatIfPreference.</summary>
        public bool WhatIfInEffect =>
            (_cmdlet.MyInvocation.BoundParameters.TryGetValue("WhatIf", out var value) && value is SwitchParameter typed && typed.IsPresent) ||
            LanguagePrimitives.IsTrue(_cmdlet.GetVariableValue("WhatIfPreference"));

        /// <summary>The command's first error ends it: -ErrorAction Stop, or $ErrorActionPreference = 'Stop' where it runs.</summary>
        public bool ErrorsStop => Preference("ErrorAction", "ErrorActionPreference") == ActionPreference.Stop;

        /// <summary>Warnings are not shown: -WarningAction or $WarningPreference says SilentlyContinue or Ignore.</summary>
        public bool WarningsSilenced => Preference("WarningAction", "WarningPreference") is ActionPreference.SilentlyContinue or ActionPreference.Ignore;

        /// <summary>A preference as the command sees it: its common parameter when given, else the variable in its scope.</summary>
        private ActionPreference? Preference(string parameter, string variable)
        {
            if (_cmdlet.MyInvocation.BoundParameters.TryGetValue(parameter, out var given))
                return LanguagePrimitives.TryConvertTo<ActionPreference>(given, out var fromParameter) ? fromParameter : (ActionPreference?)null;
            return LanguagePrimitives.TryConvertTo<ActionPreference>(_cmdlet.GetVariableValue(variable), out var fromVariable) ? fromVariable : (ActionPreference?)null;
        }

        public void WriteObject(object sendToPipeline) => _cmdlet.WriteObject(sendToPipeline);

        public void WriteError(ErrorRecord errorRecord) => _cmdlet.WriteError(errorRecord);

        public void WriteError(OctopodsException error, object? target) => _cmdlet.WriteError(ErrorRecords.From(error, target));

        public void WriteWarning(string text) => _cmdlet.WriteWarning(text);

        public void WriteVerbose(string text) => _cmdlet.WriteVerbose(text);

        public void WriteProgress(ProgressRecord progressRecord) => _cmdlet.WriteProgress(progressRecord);

        public void WriteInformation(object messageData, string[] tags) => _cmdlet.WriteInformation(messageData, tags);

        public void ThrowTerminating(OctopodsException error, object? target) => _cmdlet.ThrowTerminatingError(ErrorRecords.From(error, target));

        /// <summary>The settings file's path (OCTOPODS_CONFIG_PATH or the per-user default); a bad variable stops the command, naming it.</summary>
        public string SettingsPath()
        {
            try
            {
                return Settings.SettingsFile.CurrentPath();
            }
            catch (OctopodsException ex)
            {
                ThrowTerminating(ex, Settings.SettingsFile.PathVariable);
                throw;
            }
        }

        public void WarnThroughHost(string text)
        {
            // The warning stream is closed after a stop; the preference it would have honoured still is.
            if (WarningsSilenced) return;
            try { _cmdlet.Host?.UI?.WriteWarningLine(text); }
            catch (Exception ex) when (ex is PipelineStoppedException || ex is InvalidOperationException || ex is NotImplementedException) { }
        }

        public void Dispose()
        {
            _dispatcher?.Dispose();
            _stop.Dispose();
        }
    }
}

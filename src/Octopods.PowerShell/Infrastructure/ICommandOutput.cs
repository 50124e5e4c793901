using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Octopods.Errors;

namespace Octopods.PowerShell.Infrastructure
{
    /// <summary>
    /// What the bulk pipeline and the status follower need of the command that runs them: its
    /// streams, its dispatcher and its Ctrl+C. A narrow view, so the helpers know no cmdlet class.
    /// </summary>
    internal interface ICommandOutput
    {
        /// <summary>The command's name, for the summary ("Send-OctopodsSms").</summary>
        string CommandName { get; }

        /// <summary>Runs continuations and posted writes on the pipeline thread.</summary>
        PipelineDispatcher Dispatcher { get; }

        /// <summary>Cancelled by Ctrl+C.</summary>
        CancellationToken StopToken { get; }

        /// <summary>Runs core async work on the pipeline thread; Ctrl+C cancels it and stops the pipeline.</summary>
        T Run<T>(Func<CancellationToken, Task<T>> work);

        void WriteObject(object sendToPipeline);

        void WriteError(ErrorRecord errorRecord);

        void WriteError(OctopodsException error, object? target);

        void WriteWarning(string text);

        void WriteVerbose(string text);

        void WriteProgress(ProgressRecord progressRecord);

        void WriteInformation(object messageData, string[] tags);

        /// <summary>Stops the command with <paramref name="error"/> as a terminating error.</summary>
        void ThrowTerminating(OctopodsException error, object? target);

        /// <summary>A warning through the host, for when the pipeline has stopped and its streams are closed.</summary>
        void WarnThroughHost(string text);
    }
}

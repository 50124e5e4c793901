using System;
using System.Collections.Generic;
using System.Management.Automation;
using Octopods.Bulk;
using Octopods.Errors;
using Octopods.Polling;
using Octopods.PowerShell.Infrastructure;

namespace Octopods.PowerShell.CommandBases
{
    /// <summary>
    /// The status commands (SMS, WhatsApp): message ids in, statuses out. With -Wait the ids are held
    /// and followed together to a final status (at most -ThrottleLimit polls at once), then written in
    /// input order, errors included.
    /// </summary>
    public abstract class StatusCmdlet<TStatus> : OctopodsApiCmdlet, IDynamicParameters where TStatus : class
    {
        /// <summary>The channel whose key the command resolves at BeginProcessing.</summary>
        private protected abstract OctopodsChannel Channel { get; }

        private protected sealed override OctopodsChannel? KeyChannel => Channel;

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("message_id", "Id")]
        [AllowEmptyString]
        public string[] MessageId { get; set; } = Array.Empty<string>();

        /// <summary>With -Wait, how many statuses may be asked for at once. Default 4.</summary>
        [Parameter]
        [ValidateRange(1, 256)]
        public int ThrottleLimit { get; set; } = BulkOptions.DefaultThrottleLimit;

        private readonly WaitParameters _wait = new WaitParameters();

        /// <summary>-Wait, -TimeoutSeconds and -PollIntervalSeconds (declared once, in <see cref="WaitParameters"/>).</summary>
        public object GetDynamicParameters() => _wait;

        // With -Wait, ids and empty-id errors are held together so everything comes out in input order.
        private readonly List<(string Id, OctopodsException? Error)> _waiting = new List<(string, OctopodsException?)>();

        /// <summary>The send command whose MessageId this takes, for the empty-id error's fix.</summary>
        protected abstract string SendCommand { get; }

        /// <summary>The channel's status endpoint (made from <see cref="OctopodsApiCmdlet.Client"/>, on the pipeline thread).</summary>
        private protected abstract IStatusSource<TStatus> Source { get; }

        protected override void ProcessRecord()
        {
            foreach (var id in MessageId)
            {
                if (string.IsNullOrWhiteSpace(id))
                {
                    var missing = new OctopodsException(ErrorNames.MessageIdMissing, OctopodsErrorKind.InvalidArgument,
                        "The message id is empty", $"Pass the MessageId that {SendCommand} returned.");
                    if (_wait.Wait) _waiting.Add((id ?? "", missing));
                    else Runtime.WriteError(missing, id);
                    continue;
                }
                if (_wait.Wait)
                {
                    _waiting.Add((id.Trim(), null));
                    continue;
                }
                try
                {
                    var source = Source;
                    WriteObject(Runtime.Run(ct => source.GetStatusAsync(id, ct)));
                }
                catch (OctopodsException ex)
                {
                    Runtime.WriteError(ex, id);
                }
            }
        }

        protected override void EndProcessing()
        {
            if (_waiting.Count > 0) new StatusFollower<TStatus>(Runtime, Source, Client.Options.Clock, _wait, ThrottleLimit).FollowGiven(_waiting);
        }
    }
}

using System;
using System.Collections.Generic;
using System.Management.Automation;
using Octopods.Errors;

namespace Octopods.PowerShell.Infrastructure
{
    /// <summary>
    /// The status commands (SMS, WhatsApp): message ids in, statuses out. With -Wait the ids are held
    /// and followed together to a final status, then written in input order, errors included.
    /// </summary>
    public abstract class StatusCmdlet : OctopodsApiCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("message_id", "Id")]
        [AllowEmptyString]
        public string[] MessageId { get; set; } = Array.Empty<string>();

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

        // With -Wait, ids and empty-id errors are held together so everything comes out in input order.
        private readonly List<(string Id, OctopodsException? Error)> _waiting = new List<(string, OctopodsException?)>();

        /// <summary>The send command whose MessageId this takes, for the empty-id error's fix.</summary>
        protected abstract string SendCommand { get; }

        /// <summary>One status, read once (through Run, so Ctrl+C stops it).</summary>
        internal abstract object ReadStatus(string id);

        /// <summary>-Wait: follows the held ids and writes what became of each (StatusFollower.FollowGiven).</summary>
        internal abstract void Follow(IReadOnlyList<(string Id, OctopodsException? Error)> given);

        protected override void ProcessRecord()
        {
            foreach (var id in MessageId)
            {
                if (string.IsNullOrWhiteSpace(id))
                {
                    var missing = new OctopodsException(ErrorNames.MessageIdMissing, OctopodsErrorKind.InvalidArgument,
                        "The message id is empty", $"Pass the MessageId that {SendCommand} returned.");
                    if (Wait) _waiting.Add((id ?? "", missing));
                    else WriteError(missing, id);
                    continue;
                }
                if (Wait)
                {
                    _waiting.Add((id.Trim(), null));
                    continue;
                }
                try
                {
                    WriteObject(ReadStatus(id));
                }
                catch (OctopodsException ex)
                {
                    WriteError(ex, id);
                }
            }
        }

        protected override void EndProcessing()
        {
            if (_waiting.Count > 0) Follow(_waiting);
        }
    }
}

using System;
using System.Threading;
using System.Threading.Tasks;
using Octopods.Errors;
using Octopods.FlowControl;
using Octopods.Text;

namespace Octopods.Bulk
{
    /// <summary>
    /// How one kind of message is sent in bulk: the only part that differs between SMS, WhatsApp and
    /// Viber. Everything else (window, order, pacing, 429 pauses, journal) is the engine's.
    /// </summary>
    internal sealed class BulkOperation<TRequest, TResult> where TResult : class
    {
        public BulkOperation(OctopodsChannel channel,
            Func<TRequest, SendContext, CancellationToken, Task<TResult>> send,
            Func<TRequest, string> destination,
            Func<TRequest, string> content,
            Func<TResult, JournalOutcome> record,
            Func<TRequest, JournalEntry, TResult> restore,
            Func<TRequest, string>? comparableContent = null)
        {
            Channel = channel;
            Send = send ?? throw new ArgumentNullException(nameof(send));
            Destination = destination ?? throw new ArgumentNullException(nameof(destination));
            Content = content ?? throw new ArgumentNullException(nameof(content));
            Record = record ?? throw new ArgumentNullException(nameof(record));
            Restore = restore ?? throw new ArgumentNullException(nameof(restore));
            ComparableContent = comparableContent ?? (request => ComparableText.Of(content(request)));
        }

        public OctopodsChannel Channel { get; }
        /// <summary>Sends one prepared request as part of a run (throws <see cref="OctopodsException"/> on failure).</summary>
        public Func<TRequest, SendContext, CancellationToken, Task<TResult>> Send { get; }
        /// <summary>The recipient, for the row's identity and the journal.</summary>
        public Func<TRequest, string> Destination { get; }
        /// <summary>Everything else that makes two messages different (body; template id and variables), for the identity only.</summary>
        public Func<TRequest, string> Content { get; }
        /// <summary><see cref="Content"/> as a reader compares it (line ends, spaces, Unicode form), for journals that name rows so.</summary>
        public Func<TRequest, string> ComparableContent { get; }
        /// <summary>What the journal keeps of an accepted send.</summary>
        public Func<TResult, JournalOutcome> Record { get; }
        /// <summary>The result a resumed run writes for a row the journal shows as accepted.</summary>
        public Func<TRequest, JournalEntry, TResult> Restore { get; }
    }
}

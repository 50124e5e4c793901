using System;
using Octopods.Errors;

namespace Octopods.Bulk
{
    /// <summary>
    /// Tells an outage from a bad row: a run of sends the service failed in a row (HTTP 5xx, a lost or
    /// refused connection, no answer in time). After <see cref="ErrorsBeforePause"/> of them the run
    /// pauses (2 s, then 4 s, then 8 s, restarting one send at a time after each); when the errors go
    /// on after the last pause, the run stops as Ctrl+C stops it, so the rows not yet attempted stay
    /// not attempted and a plain resume sends them. Any other outcome ends the run of errors.
    /// </summary>
    internal sealed class OutageWatch
    {
        /// <summary>Server errors in a row that pause the run.</summary>
        public const int ErrorsBeforePause = 5;

        private static readonly TimeSpan[] Pauses = { TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8) };

        /// <summary>Pauses sat out before an outage stops the run.</summary>
        public static int PauseCount => Pauses.Length;

        private readonly object _lock = new object();
        private int _inARow;
        private int _pauses;

        /// <summary>What the run must do now.</summary>
        public enum Verdict
        {
            GoOn,
            Pause,
            Stop,
        }

        /// <summary>The pause a <see cref="Verdict.Pause"/> asks for.</summary>
        public TimeSpan PauseFor { get; private set; }

        /// <summary>Server errors in a row, as last counted.</summary>
        public int ErrorsInARow { get { lock (_lock) return _inARow; } }

        /// <summary>Whether <paramref name="error"/> says the service (or the way to it) failed, rather than the row.</summary>
        public static bool IsServerTrouble(OctopodsException error) =>
            error.ErrorName == ErrorNames.ServerError || error.ErrorName == ErrorNames.ConnectionFailed || error.ErrorName == ErrorNames.ProxyFailed ||
            (error.ErrorName == ErrorNames.OutcomeUnknown && error.InnerException != null);   // a send's connection lost, or no answer in time

        /// <summary>A send the service answered (taken or refused for the row's own reasons): the run of errors ends.</summary>
        public void Answered()
        {
            lock (_lock)
            {
                _inARow = 0;
                _pauses = 0;
            }
        }

        /// <summary>A send the service failed; the verdict says whether the run pauses, stops or goes on.</summary>
        public Verdict ServerFailed()
        {
            lock (_lock)
            {
                _inARow++;
                if (_inARow < ErrorsBeforePause || (_inARow - ErrorsBeforePause) % ErrorsBeforePause != 0) return Verdict.GoOn;
                if (_pauses >= Pauses.Length) return Verdict.Stop;
                PauseFor = Pauses[_pauses++];
                return Verdict.Pause;
            }
        }
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Octopods.Errors;
using Octopods.Time;

namespace Octopods.Polling
{
    /// <summary>
    /// Follows many messages to a terminal state together: one round polls every unsettled id, then
    /// waits, backing off, until all are settled or the timeout passes.
    /// </summary>
    internal static class StatusPoller
    {
        public static async Task<IReadOnlyDictionary<string, PollOutcome<T>>> WaitAsync<T>(
            IEnumerable<string> ids,
            Func<string, CancellationToken, Task<T>> fetch,
            Func<T, bool> isTerminal,
            PollOptions options,
            IClock clock,
            Action<PollProgress>? progress,
            CancellationToken cancellationToken) where T : class
        {
            var outcomes = new Dictionary<string, PollOutcome<T>>(StringComparer.Ordinal);
            foreach (var id in ids)
                if (!outcomes.ContainsKey(id)) outcomes[id] = new PollOutcome<T>();

            var start = clock.UtcNow;
            var deadline = start + options.Timeout;
            var interval = options.Interval;
            var first = true;
            while (true)
            {
                var pending = outcomes.Where(p => IsPending(p.Value, isTerminal)).Select(p => p.Key).ToList();
                if (pending.Count == 0) break;

                if (!(first && options.PollFirst))
                {
                    var now = clock.UtcNow;
                    if (now >= deadline) break;
                    var wait = interval < deadline - now ? interval : deadline - now;
                    progress?.Invoke(new PollProgress
                    {
                        Total = outcomes.Count, Settled = outcomes.Count - pending.Count,
                        Elapsed = now - start, Timeout = options.Timeout, NextPollIn = wait,
                    });
                    await clock.Delay(wait, cancellationToken).ConfigureAwait(false);
                    interval = TimeSpan.FromTicks(Math.Min(options.MaxInterval.Ticks, (long)(interval.Ticks * options.Backoff)));
                }
                first = false;

                if (options.Concurrency <= 1)
                {
                    foreach (var id in pending)
                        await PollOne(outcomes[id], id, fetch, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    // A bounded number of polls at once; each outcome is written by its own task only.
                    using var slots = new SemaphoreSlim(options.Concurrency);
                    var tasks = new List<Task>(pending.Count);
                    try
                    {
                        foreach (var id in pending)
                        {
                            await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                            var outcome = outcomes[id];
                            tasks.Add(Task.Run(async () =>
                            {
                                try { await PollOne(outcome, id, fetch, cancellationToken).ConfigureAwait(false); }
                                finally { slots.Release(); }
                            }, cancellationToken));
                        }
                    }
                    catch (OperationCanceledException)
                    {
                        // Let the polls already running end before the semaphore is disposed under them
                        // (their Release would throw on a worker thread); their own errors do not matter now.
                        try { await Task.WhenAll(tasks).ConfigureAwait(false); }
                        catch (Exception) { }
                        throw;
                    }
                    await Task.WhenAll(tasks).ConfigureAwait(false);
                }
            }

            foreach (var outcome in outcomes.Values)
                if (IsPending(outcome, isTerminal)) outcome.TimedOut = true;
            progress?.Invoke(new PollProgress
            {
                Total = outcomes.Count, Settled = outcomes.Count, Elapsed = clock.UtcNow - start, Timeout = options.Timeout,
            });
            return outcomes;
        }

        private static async Task PollOne<T>(PollOutcome<T> outcome, string id, Func<string, CancellationToken, Task<T>> fetch,
            CancellationToken cancellationToken) where T : class
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                outcome.Last = await fetch(id, cancellationToken).ConfigureAwait(false);
            }
            catch (OctopodsException ex) when (!IsPassing(ex))
            {
                // A definite answer (not found, bad key): polling again will not change it.
                outcome.Error = ex;
            }
            catch (OctopodsException)
            {
                // A passing fault (network, 5xx, rate limit after its retries): the next round tries again.
            }
        }

        private static bool IsPassing(OctopodsException ex) =>
            ex.Kind == OctopodsErrorKind.Timeout || ex.Kind == OctopodsErrorKind.ConnectionError ||
            ex.Kind == OctopodsErrorKind.ServerError || ex.Kind == OctopodsErrorKind.LimitsExceeded;

        private static bool IsPending<T>(PollOutcome<T> outcome, Func<T, bool> isTerminal) where T : class =>
            outcome.Error == null && (outcome.Last == null || !isTerminal(outcome.Last));
    }
}

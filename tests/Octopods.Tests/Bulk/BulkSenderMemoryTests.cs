using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Octopods.FlowControl;
using Octopods.Bulk;
using Octopods.Errors;
using Octopods.Http;
using Octopods.Time;
using Xunit;

namespace Octopods.Tests.Bulk
{
    /// <summary>What the engine keeps per row for the whole run. Runs alone: it measures the heap.</summary>
    [Collection(TimingCollection.Name)]
    public sealed class BulkSenderMemoryTests : IDisposable
    {
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "octopods-mem-" + Guid.NewGuid().ToString("N"));

        public void Dispose()
        {
            try { Directory.Delete(_dir, true); } catch (IOException) { }
        }

        [Fact]
        public async Task Each_row_costs_the_engine_well_under_a_hundred_bytes_for_the_rest_of_the_run()
        {
            const int n = 50000;
            Directory.CreateDirectory(_dir);
            var path = Path.Combine(_dir, "big.jsonl");
            var rows = Enumerable.Range(0, n).Select(i => ("+1415" + (5000000 + i), "m" + i)).ToArray();
            // Every row was accepted by an earlier run: the engine settles each from the journal, no send.
            File.WriteAllLines(path, new[] { "{\"type\":\"octopods-journal\",\"version\":1}" }.Concat(rows.Select(r =>
                "{\"type\":\"sent\",\"row\":\"" + RowIdentity.FromContent(OctopodsChannel.Sms, r.Item1, r.Item2) + "\",\"message_id\":\"x\"}")));
            var operation = new BulkOperation<(string, string), string>(OctopodsChannel.Sms, (r, context, ct) => Task.FromResult("sent"),
                r => r.Item1, r => r.Item2, id => new JournalOutcome { MessageId = id }, (r, e) => "journal");
            using var engine = new BulkSender<(string, string), string>(operation, new BulkOptions(), new SendGate(SystemClock.Instance), SendJournal.Open(path));
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var before = GC.GetTotalMemory(forceFullCollection: true);
            var fromJournal = 0;
            foreach (var row in rows)
            {
                engine.Submit(row, null);
                while (engine.TryTake(out var outcome)) if (outcome.Kind == BulkRowKind.FromJournal) fromJournal++;
            }
            await engine.WaitAllDoneAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
            while (engine.TryTake(out var outcome)) if (outcome.Kind == BulkRowKind.FromJournal) fromJournal++;
            var after = GC.GetTotalMemory(forceFullCollection: true);
            Assert.Equal(n, fromJournal);
            var perRow = (after - before) / (double)n;
            // A 64-character hex string per row kept about 180 bytes; a 16-byte key, at most ~75 with the table's slack.
            Assert.True(perRow < 100, $"{perRow:0} bytes per row kept");
            GC.KeepAlive(engine);
        }
    }
}

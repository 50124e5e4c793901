using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Octopods.Tests.Contract
{
    /// <summary>
    /// A minimal HTTP/1.1 server on a raw loopback socket for the contract tests: it records each
    /// request byte for byte and answers with the next scripted response, in order. It knows nothing
    /// of Octopods (no emulator, no product type), so what a test asserts comes from the test's own
    /// literals, not from code the client shares. Every answer closes its connection, so no pooled
    /// connection outlives the server.
    /// </summary>
    public sealed class ScriptedServer : IDisposable
    {
        private static readonly byte[] HeaderEnd = { 13, 10, 13, 10 };
        private readonly TcpListener _listener;
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private readonly object _lock = new object();
        private readonly Queue<ScriptedResponse> _script = new Queue<ScriptedResponse>();
        private readonly List<RecordedRequest> _requests = new List<RecordedRequest>();
        private readonly Task _accepting;

        private ScriptedServer()
        {
            _listener = new TcpListener(IPAddress.Loopback, 0);
            _listener.Start();
            BaseUri = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture)}/");
            _accepting = Task.Run(AcceptAsync);
        }

        public static ScriptedServer Start() => new ScriptedServer();

        /// <summary>http://127.0.0.1:&lt;port&gt;/ — plain http is allowed by the client only to loopback.</summary>
        public Uri BaseUri { get; }

        /// <summary>Queues answers for the next requests, one each, in order.</summary>
        public ScriptedServer Answer(params ScriptedResponse[] responses)
        {
            lock (_lock) foreach (var response in responses) _script.Enqueue(response);
            return this;
        }

        public ScriptedServer AnswerJson(int status, string body) => Answer(ScriptedResponse.Json(status, body));

        public IReadOnlyList<RecordedRequest> Requests { get { lock (_lock) return _requests.ToList(); } }

        /// <summary>The only request received; more or fewer fail the test.</summary>
        public RecordedRequest OnlyRequest()
        {
            var requests = Requests;
            if (requests.Count != 1) throw new InvalidOperationException($"Expected one request, got {requests.Count}: {string.Join(", ", requests)}");
            return requests[0];
        }

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (Exception ex) when (ex is OperationCanceledException || ex is ObjectDisposedException || ex is SocketException)
                {
                    return;
                }
                _ = Task.Run(() => ServeAsync(client));
            }
        }

        private async Task ServeAsync(TcpClient client)
        {
            using (client)
            {
                try
                {
                    var stream = client.GetStream();
                    var request = await ReadRequestAsync(stream, _stop.Token);
                    if (request == null) return;
                    ScriptedResponse answer;
                    lock (_lock)
                    {
                        _requests.Add(request);
                        // An unscripted request gets a 500 the client reports, so the test fails loudly.
                        answer = _script.Count > 0 ? _script.Dequeue() : ScriptedResponse.Json(500, "{\"error\":\"the test scripted no answer for " + request + "\"}");
                    }
                    var bytes = Render(answer);
                    await stream.WriteAsync(bytes, _stop.Token);
                    await stream.FlushAsync(_stop.Token);
                    client.Client.Shutdown(SocketShutdown.Send);
                }
                catch (Exception ex) when (ex is IOException || ex is SocketException || ex is OperationCanceledException || ex is ObjectDisposedException)
                {
                    // The client went away (a timeout test) or the server is stopping.
                }
            }
        }

        private static async Task<RecordedRequest?> ReadRequestAsync(NetworkStream stream, CancellationToken cancellationToken)
        {
            var buffer = new List<byte>();
            var chunk = new byte[8192];
            int end;
            while ((end = IndexOf(buffer, HeaderEnd)) < 0)
            {
                var read = await stream.ReadAsync(chunk, cancellationToken);
                if (read == 0) return null;
                buffer.AddRange(chunk.Take(read));
            }
            var head = Encoding.ASCII.GetString(buffer.Take(end).ToArray()).Split("\r\n");
            var line = head[0].Split(' ');
            var headers = head.Skip(1).Select(h =>
            {
                var colon = h.IndexOf(':', StringComparison.Ordinal);
                return new KeyValuePair<string, string>(h.Substring(0, colon), h.Substring(colon + 1).Trim());
            }).ToList();
            var rest = buffer.Skip(end + HeaderEnd.Length).ToList();

            async Task<bool> Fill(int count)
            {
                while (rest.Count < count)
                {
                    var read = await stream.ReadAsync(chunk, cancellationToken);
                    if (read == 0) return false;
                    rest.AddRange(chunk.Take(read));
                }
                return true;
            }

            byte[] body;
            var length = headers.Where(h => h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault();
            var chunked = headers.Any(h => h.Key.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) && h.Value.Contains("chunked", StringComparison.OrdinalIgnoreCase));
            if (length != null)
            {
                var count = int.Parse(length, NumberStyles.None, CultureInfo.InvariantCulture);
                if (!await Fill(count)) return null;
                body = rest.Take(count).ToArray();
            }
            else if (chunked)
            {
                var decoded = new List<byte>();
                while (true)
                {
                    int lineEnd;
                    while ((lineEnd = IndexOf(rest, new byte[] { 13, 10 })) < 0)
                        if (!await Fill(rest.Count + 1)) return null;
                    var size = int.Parse(Encoding.ASCII.GetString(rest.Take(lineEnd).ToArray()).Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                    if (!await Fill(lineEnd + 2 + size + 2)) return null;
                    decoded.AddRange(rest.Skip(lineEnd + 2).Take(size));
                    rest = rest.Skip(lineEnd + 2 + size + 2).ToList();
                    if (size == 0) break;
                }
                body = decoded.ToArray();
            }
            else
            {
                body = Array.Empty<byte>();
            }
            return new RecordedRequest(line[0], line[1], headers, body);
        }

        private static byte[] Render(ScriptedResponse answer)
        {
            var body = Encoding.UTF8.GetBytes(answer.Body);
            var head = new StringBuilder();
            head.Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {answer.Status} {Reason(answer.Status)}\r\n");
            if (answer.ContentType != null) head.Append(CultureInfo.InvariantCulture, $"Content-Type: {answer.ContentType}\r\n");
            foreach (var (name, value) in answer.Headers) head.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
            head.Append(CultureInfo.InvariantCulture, $"Content-Length: {body.Length}\r\nConnection: close\r\n\r\n");
            return Encoding.ASCII.GetBytes(head.ToString()).Concat(body).ToArray();
        }

        private static string Reason(int status) => status switch
        {
            200 => "OK",
            201 => "Created",
            400 => "Bad Request",
            401 => "Unauthorized",
            404 => "Not Found",
            429 => "Too Many Requests",
            500 => "Internal Server Error",
            _ => "Status",
        };

        private static int IndexOf(List<byte> data, byte[] pattern)
        {
            for (var i = 0; i + pattern.Length <= data.Count; i++)
            {
                var match = true;
                for (var j = 0; j < pattern.Length && match; j++) match = data[i + j] == pattern[j];
                if (match) return i;
            }
            return -1;
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            try { _accepting.Wait(TimeSpan.FromSeconds(5)); }
            catch (AggregateException) { }
            _listener.Dispose();
            _stop.Dispose();
        }
    }
}

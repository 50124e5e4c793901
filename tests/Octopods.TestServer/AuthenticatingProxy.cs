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

namespace Octopods.TestServer
{
    /// <summary>
    /// A real HTTP proxy on 127.0.0.1 that wants Basic credentials: every request without the expected
    /// Proxy-Authorization gets 407 with Proxy-Authenticate: Basic. An authorised plain-http request
    /// (absolute form, "POST http://host:port/path") is forwarded to its target without the
    /// Proxy-Authorization header, and a CONNECT is tunnelled. <see cref="Log"/> keeps one line per
    /// request: method, target, the answer, and the user it came as (never a password).
    /// </summary>
    public sealed class AuthenticatingProxy : IDisposable
    {
        private const string Realm = "octopods-test-proxy";
        private readonly TcpListener _listener;
        private readonly string? _userName;
        private readonly string? _expected;
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private readonly List<string> _log = new List<string>();

        private AuthenticatingProxy(string? userName, string? password)
        {
            _userName = userName;
            if (userName != null)
                _expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(userName + ":" + password));
            _listener = new TcpListener(IPAddress.Loopback, 0);
            _listener.Start();
            Address = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
            _ = Task.Run(AcceptAsync);
        }

        /// <summary>A proxy that wants <paramref name="userName"/> and <paramref name="password"/>; without a user name it asks for nothing.</summary>
        public static AuthenticatingProxy Start(string? userName = null, string? password = null) => new AuthenticatingProxy(userName, password);

        /// <summary>
        /// How the proxy answers a tunnel request (CONNECT) instead of opening it: "502" (or any status)
        /// answers that status, "reset" drops the connection. Null: it opens the tunnel.
        /// </summary>
        public string? ConnectFault { get; set; }

        public Uri Address { get; }

        /// <summary>"POST http://127.0.0.1:5000/api/v1/sms/messages -> 407 (no credentials)", "... -> 201 (as ann)", "CONNECT host:443 -> 200 (as ann)".</summary>
        public IReadOnlyList<string> Log { get { lock (_log) return _log.ToArray(); } }

        private void Write(string line)
        {
            lock (_log) _log.Add(line);
        }

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is OperationCanceledException || ex is SocketException || ex is ObjectDisposedException)
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
                var stream = client.GetStream();
                var reader = new HeadReader(stream);
                try
                {
                    // Keep-alive: the client resends on the same connection after a 407.
                    while (await reader.ReadHeadAsync(_stop.Token).ConfigureAwait(false) is { } head)
                    {
                        var lines = head.Split("\r\n");
                        var requestLine = lines[0].Split(' ');
                        var (method, target) = (requestLine[0], requestLine.Length > 1 ? requestLine[1] : "");
                        var headers = lines.Skip(1).Where(l => l.Contains(':', StringComparison.Ordinal))
                            .Select(l => (Name: l.Substring(0, l.IndexOf(':', StringComparison.Ordinal)).Trim(), Value: l.Substring(l.IndexOf(':', StringComparison.Ordinal) + 1).Trim()))
                            .ToList();
                        string? Header(string name) => headers.Where(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault();
                        var length = int.TryParse(Header("Content-Length"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
                        var body = await reader.ReadBodyAsync(length, _stop.Token).ConfigureAwait(false);

                        var authorization = Header("Proxy-Authorization");
                        if (_expected != null && !string.Equals(authorization, _expected, StringComparison.Ordinal))
                        {
                            Write($"{method} {target} -> 407 ({(authorization == null ? "no credentials" : "wrong credentials")})");
                            var text = Encoding.ASCII.GetBytes("Proxy authentication required");
                            await SendAsync(stream, "HTTP/1.1 407 Proxy Authentication Required\r\n" +
                                                    $"Proxy-Authenticate: Basic realm=\"{Realm}\"\r\n" +
                                                    $"Content-Type: text/plain\r\nContent-Length: {text.Length}\r\n\r\n", text).ConfigureAwait(false);
                            continue;
                        }
                        var who = _userName == null ? "" : $" (as {_userName})";
                        if (string.Equals(method, "CONNECT", StringComparison.OrdinalIgnoreCase) && ConnectFault is { } fault)
                        {
                            Write($"CONNECT {target} -> {fault}");
                            if (fault == "reset")
                            {
                                client.Client.LingerState = new LingerOption(true, 0);
                                return;
                            }
                            await SendAsync(stream, $"HTTP/1.1 {fault} Proxy Fault\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", Array.Empty<byte>()).ConfigureAwait(false);
                            return;
                        }
                        if (string.Equals(method, "CONNECT", StringComparison.OrdinalIgnoreCase))
                        {
                            await TunnelAsync(stream, reader, target, who).ConfigureAwait(false);
                            return;
                        }
                        await ForwardAsync(stream, method, target, headers, body, who).ConfigureAwait(false);
                        return;   // the target closed its connection (Connection: close), and so does the proxy
                    }
                }
                catch (Exception ex) when (ex is IOException || ex is SocketException || ex is OperationCanceledException || ex is ObjectDisposedException)
                {
                    // The client went away, or the proxy is stopping.
                }
            }
        }

        /// <summary>The request to its target, as origin-form, without the proxy's own headers; the answer relayed as it came.</summary>
        private async Task ForwardAsync(NetworkStream client, string method, string target, List<(string Name, string Value)> headers, byte[] body, string who)
        {
            if (!Uri.TryCreate(target, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
            {
                Write($"{method} {target} -> 400 (not an absolute http address)");
                await SendAsync(client, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", Array.Empty<byte>()).ConfigureAwait(false);
                return;
            }
            using var upstream = new TcpClient();
            await upstream.ConnectAsync(uri.Host, uri.Port, _stop.Token).ConfigureAwait(false);
            var server = upstream.GetStream();
            var head = new StringBuilder($"{method} {uri.PathAndQuery} HTTP/1.1\r\n");
            foreach (var (name, value) in headers)
            {
                if (name.StartsWith("Proxy-", StringComparison.OrdinalIgnoreCase) || string.Equals(name, "Connection", StringComparison.OrdinalIgnoreCase)) continue;
                head.Append(name).Append(": ").Append(value).Append("\r\n");
            }
            head.Append("Connection: close\r\n\r\n");
            await SendAsync(server, head.ToString(), body).ConfigureAwait(false);

            using var answer = new MemoryStream();
            await server.CopyToAsync(answer, _stop.Token).ConfigureAwait(false);
            var bytes = answer.ToArray();
            var statusLine = Encoding.ASCII.GetString(bytes, 0, Math.Max(0, Array.IndexOf(bytes, (byte)'\r')));
            var status = statusLine.Split(' ').ElementAtOrDefault(1) ?? "?";
            Write($"{method} {target} -> {status}{who}");
            await client.WriteAsync(bytes, _stop.Token).ConfigureAwait(false);
        }

        private async Task TunnelAsync(NetworkStream client, HeadReader reader, string target, string who)
        {
            var colon = target.LastIndexOf(':');
            using var upstream = new TcpClient();
            await upstream.ConnectAsync(target.Substring(0, colon).Trim('[', ']'), int.Parse(target.AsSpan(colon + 1), CultureInfo.InvariantCulture), _stop.Token).ConfigureAwait(false);
            Write($"CONNECT {target} -> 200{who}");
            await SendAsync(client, "HTTP/1.1 200 Connection established\r\n\r\n", Array.Empty<byte>()).ConfigureAwait(false);
            var server = upstream.GetStream();
            await server.WriteAsync(reader.TakeBuffered(), _stop.Token).ConfigureAwait(false);
            var up = client.CopyToAsync(server, _stop.Token);
            var down = server.CopyToAsync(client, _stop.Token);
            await Task.WhenAny(up, down).ConfigureAwait(false);
        }

        private static async Task SendAsync(Stream stream, string head, byte[] body)
        {
            var bytes = Encoding.ASCII.GetBytes(head);
            await stream.WriteAsync(bytes).ConfigureAwait(false);
            if (body.Length > 0) await stream.WriteAsync(body).ConfigureAwait(false);
            await stream.FlushAsync().ConfigureAwait(false);
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            _stop.Dispose();
        }

        /// <summary>Reads a request's head (up to the blank line) and then its body, keeping what arrived beyond them for the next.</summary>
        private sealed class HeadReader
        {
            private readonly Stream _stream;
            private readonly List<byte> _buffered = new List<byte>();
            private readonly byte[] _chunk = new byte[8192];

            public HeadReader(Stream stream) => _stream = stream;

            public async Task<string?> ReadHeadAsync(CancellationToken cancellationToken)
            {
                while (true)
                {
                    var end = IndexOfBlankLine();
                    if (end >= 0)
                    {
                        var head = Encoding.ASCII.GetString(_buffered.GetRange(0, end).ToArray());
                        _buffered.RemoveRange(0, end + 4);
                        return head;
                    }
                    var read = await _stream.ReadAsync(_chunk, cancellationToken).ConfigureAwait(false);
                    if (read == 0) return null;
                    _buffered.AddRange(_chunk.Take(read));
                }
            }

            public async Task<byte[]> ReadBodyAsync(int length, CancellationToken cancellationToken)
            {
                while (_buffered.Count < length)
                {
                    var read = await _stream.ReadAsync(_chunk, cancellationToken).ConfigureAwait(false);
                    if (read == 0) throw new IOException("The client closed the connection inside a request body.");
                    _buffered.AddRange(_chunk.Take(read));
                }
                var body = _buffered.GetRange(0, length).ToArray();
                _buffered.RemoveRange(0, length);
                return body;
            }

            public byte[] TakeBuffered()
            {
                var rest = _buffered.ToArray();
                _buffered.Clear();
                return rest;
            }

            private int IndexOfBlankLine()
            {
                for (var i = 0; i + 3 < _buffered.Count; i++)
                {
                    if (_buffered[i] == '\r' && _buffered[i + 1] == '\n' && _buffered[i + 2] == '\r' && _buffered[i + 3] == '\n') return i;
                }
                return -1;
            }
        }
    }
}

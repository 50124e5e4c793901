using System;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace Octopods.Bench
{
    /// <summary>
    /// A TCP relay in front of the emulator that holds every chunk the client sends for a random 0 to
    /// <c>jitter</c> ms (in order, per connection): the lag between a request leaving the client and
    /// reaching the server that a busy machine or a network adds. Answers pass straight back.
    /// </summary>
    internal sealed class JitterRelay : IDisposable
    {
        private readonly TcpListener _listener = new TcpListener(IPAddress.Loopback, 0);
        private readonly IPEndPoint _target;
        private readonly double _jitterMs;
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private readonly Random _random = new Random(25);

        public JitterRelay(Uri target, double jitterMs)
        {
            _target = new IPEndPoint(IPAddress.Parse(target.Host), target.Port);
            _jitterMs = jitterMs;
            _listener.Start();
            Uri = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
            _ = AcceptLoop();
        }

        public Uri Uri { get; }

        private async Task AcceptLoop()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
                catch (OperationCanceledException) { return; }
                catch (ObjectDisposedException) { return; }
                _ = Serve(client);
            }
        }

        private async Task Serve(TcpClient client)
        {
            using (client)
            using (var server = new TcpClient())
            {
                client.NoDelay = true;
                server.NoDelay = true;
                await server.ConnectAsync(_target.Address, _target.Port);
                var up = Pump(client.GetStream(), server.GetStream(), jitter: true);
                var down = Pump(server.GetStream(), client.GetStream(), jitter: false);
                await Task.WhenAny(up, down);
            }
        }

        private async Task Pump(NetworkStream from, NetworkStream to, bool jitter)
        {
            var buffer = new byte[64 * 1024];
            var lastRelease = 0L;
            try
            {
                while (true)
                {
                    var n = await from.ReadAsync(buffer, _stop.Token);
                    if (n == 0) return;
                    if (jitter)
                    {
                        double lag;
                        lock (_random) lag = _random.NextDouble() * _jitterMs;
                        var release = Math.Max(lastRelease, Stopwatch.GetTimestamp() + (long)(lag * Stopwatch.Frequency / 1000));
                        lastRelease = release;
                        var wait = (release - Stopwatch.GetTimestamp()) * 1000.0 / Stopwatch.Frequency;
                        if (wait >= 1) await Task.Delay(TimeSpan.FromMilliseconds(wait), _stop.Token);
                        // The last part of a millisecond: spin, so the jitter is what was drawn.
                        while (Stopwatch.GetTimestamp() < release) Thread.SpinWait(50);
                    }
                    await to.WriteAsync(buffer.AsMemory(0, n), _stop.Token);
                }
            }
            catch (Exception ex) when (ex is System.IO.IOException || ex is OperationCanceledException || ex is ObjectDisposedException || ex is SocketException)
            {
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            _stop.Dispose();
        }
    }
}

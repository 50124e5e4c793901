using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using Octopods.Sandbox;

namespace Octopods.PowerShell.Session
{
    /// <summary>
    /// The connections of one runspace. Each runspace (each pwsh session, each job, each test) keeps
    /// its own, so parallel sessions never see each other's keys or sandbox.
    /// </summary>
    internal sealed class SessionConnections
    {
        private static readonly ConditionalWeakTable<Runspace, SessionConnections> ByRunspace = new ConditionalWeakTable<Runspace, SessionConnections>();
        private static readonly SessionConnections NoRunspace = new SessionConnections();

        private readonly Dictionary<OctopodsChannel, ChannelConnection> _channels = new Dictionary<OctopodsChannel, ChannelConnection>();
        private OctopodsEmulator? _sandbox;
        private string? _sandboxPath;   // the store it was made for: OCTOPODS_SANDBOX_PATH may change in a session

        public static SessionConnections Current
        {
            get
            {
                var runspace = Runspace.DefaultRunspace;
                return runspace == null ? NoRunspace : ByRunspace.GetValue(runspace, _ => new SessionConnections());
            }
        }

        /// <summary>Forgets this runspace's connections, keys included (Remove-Module): an import afterwards starts clean.</summary>
        public static void ForgetCurrent()
        {
            var runspace = Runspace.DefaultRunspace;
            if (runspace != null) ByRunspace.Remove(runspace);
        }

        /// <summary>
        /// The runspace's emulator: one per session, shared by its channels, kept across reconnects
        /// while its file (OCTOPODS_SANDBOX_PATH) stays the same.
        /// </summary>
        public OctopodsEmulator Sandbox
        {
            get
            {
                lock (_channels)
                {
                    var path = SandboxStore.ForCurrentUser()?.Path ?? SandboxStore.InMemory;
                    if (_sandbox == null || _sandboxPath != path)
                    {
                        _sandbox = NewSandbox();
                        _sandboxPath = path;
                    }
                    return _sandbox;
                }
            }
        }

        /// <summary>
        /// The sandbox remembers what it accepted in a file per user (<see cref="SandboxStore"/>), so a
        /// journal resumed or a message followed in another process finds it, as on the real service.
        /// Virtual time starts at the real time (so timestamps read naturally), or after the latest
        /// send kept when an earlier process's waits ran its clock ahead.
        /// </summary>
        private static OctopodsEmulator NewSandbox()
        {
            var clock = new Time.VirtualClock(DateTimeOffset.UtcNow);
            var emulator = new OctopodsEmulator(clock, store: SandboxStore.ForCurrentUser());
            if (emulator.LatestKept is { } latest && latest > clock.UtcNow) clock.Advance(latest - clock.UtcNow);
            return emulator;
        }

        /// <summary>Forgets every send the sandbox kept, here and in its file (Connect-Octopods -Sandbox -Reset).</summary>
        public void ResetSandbox()
        {
            lock (_channels)
            {
                SandboxStore.ForCurrentUser()?.Reset();
                _sandbox = null;
            }
        }

        private System.Management.Automation.PSCredential? _proxyCredential;

        /// <summary>
        /// The proxy credential Set-OctopodsConfiguration -ProxyCredential gave: this session's only, never
        /// written to the settings file (which would keep its password in clear); it wins over the file's.
        /// </summary>
        public System.Management.Automation.PSCredential? ProxyCredential
        {
            get { lock (_channels) return _proxyCredential; }
            set { lock (_channels) _proxyCredential = value; }
        }

        public ChannelConnection? Get(OctopodsChannel channel)
        {
            lock (_channels) return _channels.TryGetValue(channel, out var connection) ? connection : null;
        }

        public void Set(ChannelConnection connection)
        {
            lock (_channels)
            {
                if (_channels.TryGetValue(connection.Channel, out var previous)) previous.Key?.Dispose();
                _channels[connection.Channel] = connection;
            }
        }

        public bool Remove(OctopodsChannel channel)
        {
            lock (_channels)
            {
                if (!_channels.TryGetValue(channel, out var previous)) return false;
                previous.Key?.Dispose();
                return _channels.Remove(channel);
            }
        }
    }
}

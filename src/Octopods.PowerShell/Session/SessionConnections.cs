using System;
using System.Collections.Generic;
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

        public static SessionConnections Current
        {
            get
            {
                var runspace = Runspace.DefaultRunspace;
                return runspace == null ? NoRunspace : ByRunspace.GetValue(runspace, _ => new SessionConnections());
            }
        }

        /// <summary>The runspace's emulator: one per session, shared by its channels, kept across reconnects.</summary>
        public OctopodsEmulator Sandbox
        {
            get
            {
                // Virtual time starts at the real time, so the sandbox's timestamps read naturally.
                lock (_channels) return _sandbox ??= new OctopodsEmulator(new Time.VirtualClock(DateTimeOffset.UtcNow));
            }
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

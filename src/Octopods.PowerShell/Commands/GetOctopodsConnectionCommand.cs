using System;
using System.Management.Automation;
using Octopods.Errors;
using Octopods.PowerShell.CommandBases;
using Octopods.PowerShell.Session;

namespace Octopods.PowerShell.Commands
{
    /// <summary>Shows which key source and address each channel would use now. Never the key.</summary>
    [Cmdlet(VerbsCommon.Get, "OctopodsConnection", HelpUri = HelpPages.Root + "Get-OctopodsConnection.md")]
    [OutputType(typeof(OctopodsConnection))]
    public sealed class GetOctopodsConnectionCommand : OctopodsCmdlet
    {
        [Parameter(Position = 0)]
        public OctopodsChannel[]? Channel { get; set; }

        protected override void EndProcessing()
        {
            var channels = Channel is { Length: > 0 } ? Channel : (OctopodsChannel[])Enum.GetValues(typeof(OctopodsChannel));
            var secrets = new SecretVault(this);
            foreach (var channel in channels)
            {
                var connection = SessionConnections.Current.Get(channel);
                // Connected: as Connect-Octopods recorded it, the address the settings' when none was given.
                // Not connected: the same order a command follows (default secret, then environment).
                try
                {
                    WriteObject(connection != null
                        ? connection.Describe(connection.BaseUri ?? ConnectionResolver.Configuration().Address())
                        : ConnectionResolver.Resolve(channel, null, null, null, null, secrets, WriteVerbose, readProxyCredential: false).Description);
                }
                catch (OctopodsException ex) when (ex.ErrorName == ErrorNames.NotConnected)
                {
                    WriteVerbose($"{channel}: no key from a session, default secret or environment variable.");
                }
                catch (OctopodsException ex)
                {
                    Runtime.WriteError(ex, ex.ErrorName == ErrorNames.InsecureBaseUri ? ConnectionResolver.BaseUriVariable : (object)channel);
                }
            }
        }
    }
}

using System.Management.Automation;
using Octopods.Errors;
using Octopods.PowerShell.CommandBases;
using Octopods.PowerShell.Session;
using Octopods.Settings;

namespace Octopods.PowerShell.Commands
{
    /// <summary>Shows the settings every command uses and where each comes from (file, environment, session, default). Never a password.</summary>
    [Cmdlet(VerbsCommon.Get, "OctopodsConfiguration", HelpUri = HelpPages.Root + "Get-OctopodsConfiguration.md")]
    [OutputType(typeof(OctopodsConfiguration))]
    public sealed class GetOctopodsConfigurationCommand : OctopodsCmdlet
    {
        protected override void EndProcessing()
        {
            OctopodsConfiguration configuration;
            try
            {
                configuration = ConnectionResolver.Configuration();
            }
            catch (OctopodsException ex)
            {
                Runtime.ThrowTerminating(ex, System.Environment.GetEnvironmentVariable(SettingsFile.PathVariable) ?? SettingsFile.DefaultPath());
                return;
            }
            try
            {
                configuration.Address();
            }
            catch (OctopodsException ex)
            {
                // OCTOPODS_BASE_URI holds an address commands refuse: said, and the rest still shown.
                Runtime.WriteError(ex, ConnectionResolver.BaseUriVariable);
            }
            WriteObject(configuration);
        }
    }
}

using System.Linq;
using System.Management.Automation;
using Octopods.Errors;
using Octopods.PowerShell.CommandBases;
using Octopods.PowerShell.Session;
using Octopods.Settings;

namespace Octopods.PowerShell.Commands
{
    /// <summary>
    /// Returns settings to their defaults: the ones named (removed from the settings file), or all
    /// (the file deleted). The proxy credential given for the session is forgotten with ProxyCredential, or with all.
    /// </summary>
    [Cmdlet(VerbsCommon.Reset, "OctopodsConfiguration", HelpUri = HelpPages.Root + "Reset-OctopodsConfiguration.md", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(OctopodsConfiguration))]
    public sealed class ResetOctopodsConfigurationCommand : OctopodsCmdlet
    {
        /// <summary>The settings to return to their defaults; all of them when omitted.</summary>
        [Parameter(Position = 0)]
        public OctopodsSettingName[]? Setting { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void EndProcessing()
        {
            var path = Runtime.SettingsPath();
            var session = SessionConnections.Current;
            try
            {
                if (Setting is not { Length: > 0 })
                {
                    if (ShouldProcess(path, "Delete the Octopods settings file (every setting returns to its default) and forget this session's proxy credential"))
                    {
                        WriteVerbose(SettingsFile.Delete(path) ? $"Deleted {path}." : $"There was no settings file at {path}.");
                        session.ProxyCredential = null;
                    }
                }
                else
                {
                    var names = Setting.Distinct().ToArray();
                    var settings = names.Aggregate(SettingsFile.Load(path), (current, name) => current.Without(name));
                    if (ShouldProcess(path, $"Return {string.Join(", ", names)} to the default"))
                    {
                        SettingsFile.Save(path, settings);
                        if (names.Contains(OctopodsSettingName.ProxyCredential)) session.ProxyCredential = null;
                        WriteVerbose($"{string.Join(", ", names)} returned to the default in {path}.");
                    }
                }
                if (PassThru) WriteObject(ConnectionResolver.Configuration());
            }
            catch (OctopodsException ex)
            {
                Runtime.ThrowTerminating(ex, path);
            }
        }
    }
}

using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using Xunit;

namespace Octopods.PowerShell.Tests
{
    public class ModuleManifestTests
    {
        [Fact]
        public void Exported_commands_are_exactly_the_manifest_list_and_every_cmdlet_class()
        {
            using var engine = new HostedEngine();
            var manifest = engine.Run("(Test-ModuleManifest -Path $args[0]).ExportedCmdlets.Keys", ModuleFolder.Manifest)
                .Output.Select(o => o.ToString()).OrderBy(n => n).ToList();
            var exported = engine.Run("(Get-Command -Module Octopods -CommandType Cmdlet).Name").Output.Select(o => o.ToString()).OrderBy(n => n).ToList();
            // Besides the cmdlets, exactly one script function: the campaign job the manifest lists.
            var functions = engine.Run("(Get-Command -Module Octopods -CommandType Function).Name").Output.Select(o => o.ToString()).ToList();
            var listed = engine.Run("(Test-ModuleManifest -Path $args[0]).ExportedFunctions.Keys", ModuleFolder.Manifest).Output.Select(o => o.ToString()).ToList();
            Assert.Equal(new[] { "Invoke-OctopodsCampaign" }, functions);
            Assert.Equal(functions, listed);
            var classes = engine.Run("[Octopods.PowerShell.Commands.SendOctopodsSmsCommand].Assembly.GetTypes() | " +
                                     "ForEach-Object { $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false) } | " +
                                     "ForEach-Object { '{0}-{1}' -f $_.VerbName, $_.NounName }")
                .Output.Select(o => o.ToString()).OrderBy(n => n).ToList();

            Assert.Equal(new[]
            {
                "Add-OctopodsOptOut", "Connect-Octopods", "Disconnect-Octopods", "Get-OctopodsConfiguration", "Get-OctopodsConnection", "Get-OctopodsOptOut", "Get-OctopodsSendReport", "Get-OctopodsSmsStatus",
                "Get-OctopodsViberTemplate", "Get-OctopodsWhatsAppMessage", "Get-OctopodsWhatsAppStatus", "Get-OctopodsWhatsAppTemplate",
                "Measure-OctopodsSms", "Remove-OctopodsOptOut", "Reset-OctopodsConfiguration", "Send-OctopodsSms", "Send-OctopodsViberTemplate", "Send-OctopodsWhatsAppTemplate",
                "Set-OctopodsConfiguration",
            }, manifest);
            Assert.Equal(manifest, exported);
            Assert.Equal(manifest, classes);
        }

        [Fact]
        public void Manifest_declares_both_editions_and_5_1()
        {
            using var engine = new HostedEngine(importModule: false);
            var info = engine.Run("Test-ModuleManifest -Path $args[0]", ModuleFolder.Manifest).SingleOutput<PSModuleInfo>();
            Assert.Equal(new[] { "Core", "Desktop" }, info.CompatiblePSEditions.OrderBy(e => e));
            Assert.Equal(new Version(5, 1), info.PowerShellVersion);
            Assert.Equal(ModuleFolder.Version, info.Version.ToString(3));
            Assert.Contains("Octopods.Format.ps1xml", info.ExportedFormatFiles.Select(Path.GetFileName));
        }

        [Fact]
        public void Format_file_views_name_real_types_and_properties()
        {
            // Import-Module already refuses a malformed format file; this catches views of renamed types or properties.
            using var engine = new HostedEngine();
            var document = System.Xml.Linq.XDocument.Load(Path.Combine(Path.GetDirectoryName(ModuleFolder.Manifest)!, "Octopods.Format.ps1xml"));
            var views = document.Descendants("View").ToList();
            Assert.Equal(13, views.Count);
            foreach (var view in views)
            {
                var typeName = view.Element("ViewSelectedBy")!.Element("TypeName")!.Value;
                var properties = engine.Run("([type]$args[0]).GetProperties().Name", typeName).Output.Select(o => o.ToString()).ToList();
                Assert.NotEmpty(properties);
                foreach (var property in view.Descendants("PropertyName").Select(e => e.Value))
                    Assert.Contains(property, properties);
                // A script block's $_.Name reads would show an empty cell, not fail, for a renamed property.
                foreach (var script in view.Descendants("ScriptBlock").Select(e => e.Value))
                    foreach (System.Text.RegularExpressions.Match read in System.Text.RegularExpressions.Regex.Matches(script, @"\$_\.(\w+)"))
                        Assert.Contains(read.Groups[1].Value, properties);
            }
        }

        [Fact]
        public void Every_about_topic_ships_in_the_module_and_Get_Help_finds_it()
        {
            var topics = Directory.GetFiles(Path.Combine(ModuleFolder.RepoRoot, "docs", "en-US"), "about_*.md")
                .Select(Path.GetFileNameWithoutExtension).OrderBy(n => n).ToList();
            Assert.Contains("about_Octopods_Authentication", topics);
            Assert.Contains("about_Octopods_Sandbox", topics);

            using var engine = new HostedEngine();
            foreach (var topic in topics)
            {
                var shipped = Path.Combine(Path.GetDirectoryName(ModuleFolder.Manifest)!, "en-US", topic + ".help.txt");
                Assert.True(File.Exists(shipped), $"{topic} is not in the built module");
                var help = engine.Run("(Get-Help -Name $args[0]).ToString()", topic!);
                help.AssertNoErrors();
                Assert.Contains("SHORT DESCRIPTION", string.Join("", help.Output));
            }
        }
    }
}

using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using Octopods.PowerShell.Loading;
using Xunit;

namespace Octopods.Tests
{
    /// <summary>What Windows PowerShell's resolver answers, and which hosts the module refuses.</summary>
    public class ModuleLoadingTests
    {
        private static readonly string Module = Path.Combine(Path.GetTempPath(), "Modules", "Octopods", "0.1.0");
        private static readonly string Own = Path.Combine(Module, "Octopods.PowerShell.dll");
        private static readonly string Core = Path.Combine(Module, "Dependencies", "Octopods.dll");
        private static readonly string Other = Path.Combine(Path.GetTempPath(), "Modules", "Other", "1.0", "Other.dll");

        private static AssemblyName Name(string name, string version, string? token = "cc7b13ffcd2ddd51")
        {
            var n = new AssemblyName(name) { Version = new Version(version) };
            if (token != null) n.SetPublicKeyToken(Convert.FromHexString(token));
            return n;
        }

        // The module ships System.Text.Json 8.0.0.0 and PhoneNumbers 9.0.43.0 in Dependencies/.
        private static (AssemblyName, string)? Shipped(string simpleName) => simpleName switch
        {
            "System.Text.Json" => (Name("System.Text.Json", "8.0.0.0"), Path.Combine(Module, "Dependencies", "System.Text.Json.dll")),
            "PhoneNumbers" => (Name("PhoneNumbers", "9.0.43.0", null), Path.Combine(Module, "Dependencies", "PhoneNumbers.dll")),
            _ => null,
        };

        private static (string? Loaded, string? LoadPath) Choose(string? requester, AssemblyName requested, params (AssemblyName Name, string Handle)[] loaded)
        {
            var list = new List<KeyValuePair<AssemblyName, string>>();
            foreach (var (name, handle) in loaded) list.Add(new KeyValuePair<AssemblyName, string>(name, handle));
            return DependencyChoice.Choose(Module, requester, requested, list, Shipped);
        }

        [Fact]
        public void Another_modules_request_is_never_answered_even_for_a_name_the_module_ships()
        {
            Assert.Equal((null, null), Choose(Other, Name("System.Text.Json", "6.0.0.0")));
            Assert.Equal((null, null), Choose(Other, Name("System.Text.Json", "6.0.0.0"), (Name("System.Text.Json", "8.0.0.0"), "loaded 8")));
        }

        [Fact]
        public void The_modules_own_request_gets_its_shipped_copy_when_nothing_loaded_satisfies_it()
        {
            var (loaded, path) = Choose(Core, Name("System.Text.Json", "8.0.0.0"), (Name("System.Text.Json", "6.0.0.0"), "loaded 6"));
            Assert.Null(loaded);
            Assert.Equal(Path.Combine(Module, "Dependencies", "System.Text.Json.dll"), path);
        }

        [Fact]
        public void An_already_loaded_copy_that_satisfies_the_request_is_preferred_to_a_second_one()
        {
            Assert.Equal(("loaded 9", null), Choose(Own, Name("System.Text.Json", "8.0.0.0"), (Name("System.Text.Json", "9.0.0.0"), "loaded 9")));
            // Another publisher's assembly of the same name does not satisfy it.
            var (loaded, path) = Choose(Own, Name("System.Text.Json", "8.0.0.0"), (Name("System.Text.Json", "9.0.0.0", "0000000000000001"), "impostor"));
            Assert.Null(loaded);
            Assert.NotNull(path);
        }

        [Fact]
        public void A_request_with_no_known_requester_is_answered_only_for_names_the_module_ships()
        {
            Assert.Equal((null, null), Choose(null, Name("Newtonsoft.Json", "13.0.0.0")));
            Assert.NotNull(Choose(null, Name("PhoneNumbers", "9.0.0.0", null)).LoadPath);
        }

        [Fact]
        public void A_request_for_a_newer_version_than_the_module_ships_is_left_to_the_runtime()
        {
            Assert.Equal((null, null), Choose(Core, Name("System.Text.Json", "10.0.0.0")));
        }

        [Fact]
        public void A_module_folder_whose_name_starts_like_ours_is_not_ours()
        {
            var lookalike = Module + "-old" + Path.DirectorySeparatorChar + "Octopods.dll";
            Assert.Equal((null, null), Choose(lookalike, Name("System.Text.Json", "8.0.0.0")));
        }

        [Theory]
        [InlineData(false, "7.4.0", "8.0.0", true)]
        [InlineData(false, "7.6.9", "10.0.12", true)]
        [InlineData(false, "7.3.11", "7.0.20", false)]
        [InlineData(false, "7.0.0", "3.1.0", false)]
        [InlineData(true, "3.0.0.0", "4.0.30319", true)]   // what Windows PowerShell 5.1's engine assembly says
        public void Only_Windows_PowerShell_5_1_and_PowerShell_7_4_or_later_are_served(bool desktop, string powerShell, string runtime, bool served)
        {
            var refusal = HostSupport.Refusal(desktop, new Version(powerShell), new Version(runtime));
            Assert.Equal(served, refusal == null);
            if (!served)
            {
                Assert.Contains("7.4", refusal);
                Assert.Contains("https://aka.ms/powershell", refusal);
            }
        }
    }
}

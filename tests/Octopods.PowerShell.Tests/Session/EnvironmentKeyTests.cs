using System;
using System.Linq;
using System.Threading.Tasks;
using Octopods.Sms;
using Octopods.TestServer;
using Xunit;

namespace Octopods.PowerShell.Tests.Session
{
    [Collection(ProcessEnvironmentCollection.Name)]
    public class EnvironmentKeyTests : IAsyncLifetime
    {
        private const string Key = "sk_env_key_81c4";
        private EmulatorServer _server = null!;

        public async Task InitializeAsync() => _server = await EmulatorServer.StartAsync(new Octopods.Sandbox.OctopodsEmulator(Octopods.Time.SystemClock.Instance));

        public async Task DisposeAsync()
        {
            Environment.SetEnvironmentVariable("OCTOPODS_SMS_API_KEY", null);
            Environment.SetEnvironmentVariable("OCTOPODS_BASE_URI", null);
            await _server.DisposeAsync();
        }

        [Fact]
        public void Without_any_key_the_error_lists_every_way_to_give_one_and_sends_nothing()
        {
            Environment.SetEnvironmentVariable("OCTOPODS_SMS_API_KEY", null);
            using var engine = new HostedEngine();
            var run = engine.Run("[pscustomobject]@{ To = '+14155552671'; Message = 'a' }, [pscustomobject]@{ To = '+14155552672'; Message = 'b' } | Send-OctopodsSms");
            var error = Assert.Single(run.Errors);
            Assert.StartsWith("Octopods.NotConnected", error.FullyQualifiedErrorId);
            Assert.Equal(System.Management.Automation.ErrorCategory.AuthenticationError, error.CategoryInfo.Category);
            foreach (var way in new[] { "-ApiKey", "Connect-Octopods -Channel Sms", "OCTOPODS_SMS_API_KEY", "Connect-Octopods -Sandbox" })
                Assert.Contains(way, error.Exception.Message);
            Assert.Empty(run.Output);
        }

        [Fact]
        public void Unattended_jobs_take_the_key_and_address_from_the_environment()
        {
            Environment.SetEnvironmentVariable("OCTOPODS_SMS_API_KEY", Key);
            Environment.SetEnvironmentVariable("OCTOPODS_BASE_URI", _server.BaseUri.ToString());
            using var engine = new HostedEngine();
            var connection = engine.Run("Get-OctopodsConnection -Channel Sms").Output.Single();
            Assert.Equal("Environment", connection.Properties["KeySource"].Value);

            var run = engine.Run("Send-OctopodsSms -To +14155552671 -Body 'from a scheduled task' -Verbose");
            run.AssertNoErrors();
            Assert.Equal("+14155552671", run.SingleOutput<SmsSendResult>().PhoneNumber);
            Assert.Equal(Key, _server.Keys.Single());
            Assert.Contains(run.Verbose, v => v.Contains("from Environment"));
            Assert.DoesNotContain(run.AllText(), t => t.Contains(Key));
        }

        [Fact]
        public void An_explicit_key_beats_the_session_which_beats_the_environment()
        {
            Environment.SetEnvironmentVariable("OCTOPODS_SMS_API_KEY", "sk_env_loses");
            using var engine = new HostedEngine();
            var uri = _server.BaseUri.ToString();
            engine.Run($"Connect-Octopods -ApiKey ([System.Net.NetworkCredential]::new('', 'sk_session').SecurePassword) -BaseUri {uri}").AssertNoErrors();
            engine.Run("Send-OctopodsSms -To +14155552671 -Body a").AssertNoErrors();
            engine.Run($"Send-OctopodsSms -To +14155552671 -Body b -ApiKey ([System.Net.NetworkCredential]::new('', 'sk_explicit').SecurePassword) -BaseUri {uri}").AssertNoErrors();
            engine.Run("Disconnect-Octopods -Channel Sms").AssertNoErrors();
            Environment.SetEnvironmentVariable("OCTOPODS_BASE_URI", uri);
            engine.Run("Send-OctopodsSms -To +14155552671 -Body c").AssertNoErrors();
            Assert.Equal(new[] { "sk_session", "sk_explicit", "sk_env_loses" }, _server.Keys);
        }
    }
}

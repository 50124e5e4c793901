using System;
using System.Management.Automation;
using Octopods.Errors;
using Octopods.Sandbox;
using Xunit;

namespace Octopods.PowerShell.Tests.Infrastructure
{
    /// <summary>
    /// Every Octopods error carries its fix in ErrorDetails.RecommendedAction, where Get-Error and
    /// PowerShell 7's error view ("Recommendation:") show it, so the shown message stops before it and
    /// the fix prints once; the exception's message users grep still ends with the fix.
    /// </summary>
    public sealed class ErrorRecordTests : IDisposable
    {
        private readonly HostedEngine _engine = new HostedEngine();

        public void Dispose() => _engine.Dispose();

        private static void AssertFix(ErrorRecord error, string id, string fix)
        {
            Assert.StartsWith("Octopods." + id + ",", error.FullyQualifiedErrorId);
            Assert.NotNull(error.ErrorDetails);
            Assert.Equal(fix, error.ErrorDetails.RecommendedAction);
            Assert.Equal(((OctopodsException)error.Exception).Fix, error.ErrorDetails.RecommendedAction);
            // Shown: the statement alone (the view adds the fix once); grepped: the exception's message, fix included.
            Assert.Equal(((OctopodsException)error.Exception).Statement, error.ErrorDetails.Message);
            Assert.Equal(error.ErrorDetails.Message, error.ToString());
            Assert.DoesNotContain(fix, error.ToString(), StringComparison.Ordinal);
            Assert.EndsWith(fix, error.Exception.Message, StringComparison.Ordinal);
            Assert.StartsWith(error.ToString(), error.Exception.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void A_bad_phone_number_carries_its_fix()
        {
            _engine.Run("Connect-Octopods -Sandbox").AssertNoErrors();
            var error = Assert.Single(_engine.Run("Send-OctopodsSms -To +19990000000 -Body hi").Errors);
            AssertFix(error, "PhoneInvalid", "Check the digits after the country code; write it in E.164 form such as +14155552671.");
        }

        [Fact]
        public void A_service_error_carries_the_catalogue_fix()
        {
            var run = _engine.Run($"Connect-Octopods -Sandbox -ApiKey ([System.Net.NetworkCredential]::new('', '{SandboxKeys.Deprecated}').SecurePassword); Send-OctopodsSms -To +14155552671 -Body hi");
            AssertFix(Assert.Single(run.Errors), "DeprecatedApiKey",
                "The key is from an older format: copy the current key from the channel's settings screen in the Octopods app and connect again (Connect-Octopods -ApiKey).");
        }

        [Fact]
        public void A_missing_key_carries_every_way_to_give_one()
        {
            var previous = Environment.GetEnvironmentVariable("OCTOPODS_WHATSAPP_API_KEY");
            Environment.SetEnvironmentVariable("OCTOPODS_WHATSAPP_API_KEY", null);
            try
            {
                var error = Assert.Single(_engine.Run("Get-OctopodsWhatsAppStatus -MessageId msg_1").Errors);
                Assert.StartsWith("Octopods.NotConnected,", error.FullyQualifiedErrorId);
                var action = error.ErrorDetails?.RecommendedAction;
                Assert.StartsWith("Give one in any of these ways: (1) -ApiKey", action);
                Assert.EndsWith("To try the module without an account: Connect-Octopods -Sandbox.", action);
                Assert.Equal(((OctopodsException)error.Exception).Fix, action);
                Assert.Equal("No WhatsApp API key was found.", error.ToString());
            }
            finally
            {
                Environment.SetEnvironmentVariable("OCTOPODS_WHATSAPP_API_KEY", previous);
            }
        }
    }
}

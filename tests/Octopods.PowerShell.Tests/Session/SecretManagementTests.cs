using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using Octopods.Sandbox;
using Octopods.TestServer;
using Xunit;

namespace Octopods.PowerShell.Tests.Session
{
    /// <summary>
    /// Keys from SecretManagement vaults, through a stand-in Get-Secret with the real names and
    /// errors, and the whole resolution order. Runs alone: some tests set process environment variables.
    /// </summary>
    [Collection(ProcessEnvironmentCollection.Name)]
    public sealed class SecretManagementTests : IAsyncLifetime, IDisposable
    {
        private static readonly string StandIn = Path.Combine(AppContext.BaseDirectory, "StandIns", "Microsoft.PowerShell.SecretManagement", "Microsoft.PowerShell.SecretManagement.psd1");
        private EmulatorServer _server = null!;
        private HostedEngine _engine = null!;

        public async Task InitializeAsync()
        {
            Environment.SetEnvironmentVariable("OCTOPODS_SMS_API_KEY", null);
            Environment.SetEnvironmentVariable("OCTOPODS_BASE_URI", null);
            _server = await EmulatorServer.StartAsync(new OctopodsEmulator(Octopods.Time.SystemClock.Instance));
            _engine = new HostedEngine();
        }

        public void Dispose() => _engine?.Dispose();

        public async Task DisposeAsync()
        {
            Environment.SetEnvironmentVariable("OCTOPODS_SMS_API_KEY", null);
            Environment.SetEnvironmentVariable("OCTOPODS_BASE_URI", null);
            await _server.DisposeAsync();
        }

        /// <summary>Imports the stand-in and fills its vaults: Store (default) and Work.</summary>
        private void WithVaults(string storeSecrets = "", string workSecrets = "", string locked = "")
        {
            _engine.Run($@"
                Import-Module -Name '{StandIn}' -ErrorAction Stop
                $global:OctopodsTestVault = @{{
                    DefaultVault = 'Store'
                    Vaults = @{{ Store = @{{ {storeSecrets} }}; Work = @{{ {workSecrets} }} }}
                    Locked = @({locked})
                    Calls = [System.Collections.Generic.List[object]]::new()
                }}").AssertNoErrors();
        }

        private int GetSecretCalls() => (int)_engine.Run("$global:OctopodsTestVault.Calls.Count").Output.Single().BaseObject;

        private string Uri => _server.BaseUri.ToString();

        [Fact]
        public void SecretName_reads_the_key_once_per_invocation_in_the_callers_runspace()
        {
            WithVaults(workSecrets: "'Octopods-Sms' = 'sk_from_vault'");
            var run = _engine.Run($@"
                1..3 | ForEach-Object {{ [pscustomobject]@{{ To = ""+1415555260$_""; Message = 'hi' }} }} |
                    Send-OctopodsSms -SecretName Octopods-Sms -Vault Work -BaseUri {Uri} -Verbose
                $global:OctopodsTestVault.Calls[0].Runspace -eq [runspace]::DefaultRunspace.InstanceId");
            run.AssertNoErrors();
            Assert.Equal(4, run.Output.Count);
            Assert.True((bool)run.Output[3].BaseObject);
            Assert.Equal(1, GetSecretCalls());
            Assert.Equal(new[] { "sk_from_vault", "sk_from_vault", "sk_from_vault" }, _server.Keys);
            Assert.Contains(run.Verbose, v => v.Contains("secret 'Octopods-Sms' in vault 'Work'"));
            Assert.DoesNotContain(run.AllText(), t => t.Contains("sk_from_vault"));
        }

        [Theory]
        [InlineData("'k' = 'sk_plain_string'", "sk_plain_string")]
        [InlineData("'k' = [System.Net.NetworkCredential]::new('', 'sk_secure').SecurePassword", "sk_secure")]
        [InlineData("'k' = [pscredential]::new('octopods', [System.Net.NetworkCredential]::new('', 'sk_credential').SecurePassword)", "sk_credential")]
        public void A_secret_may_be_a_securestring_a_string_or_a_credential(string secret, string key)
        {
            WithVaults(storeSecrets: secret);
            _engine.Run($"Send-OctopodsSms -To +14155552671 -Body hi -SecretName k -BaseUri {Uri}").AssertNoErrors();
            Assert.Equal(key, _server.Keys.Single());
        }

        [Fact]
        public void A_secret_of_another_type_is_a_named_error_saying_how_to_store_it()
        {
            WithVaults(storeSecrets: "'k' = @{ key = 'x' }");
            var error = Assert.Single(_engine.Run($"Send-OctopodsSms -To +14155552671 -Body hi -SecretName k -BaseUri {Uri}").Errors);
            Assert.StartsWith("Octopods.SecretWrongType", error.FullyQualifiedErrorId);
            Assert.Contains("Hashtable", error.Exception.Message);
            Assert.Contains("Set-Secret -Name k -Secret (Read-Host -AsSecureString)", error.Exception.Message);
            Assert.Empty(_server.Requests);
        }

        [Fact]
        public void Without_SecretManagement_the_error_gives_the_install_command()
        {
            // The machine's all-users module folders cannot be hidden from an engine (HermeticEnvironment
            // covers the user's): without autoloading, a SecretManagement installed there stays out of reach.
            var error = Assert.Single(_engine.Run($"$PSModuleAutoLoadingPreference = 'None'; Send-OctopodsSms -To +14155552671 -Body hi -SecretName k -BaseUri {Uri}").Errors);
            Assert.StartsWith("Octopods.SecretManagementMissing", error.FullyQualifiedErrorId);
            Assert.Contains("Install-Module Microsoft.PowerShell.SecretManagement", error.Exception.Message);
        }

        [Fact]
        public void A_locked_vault_says_how_to_unlock_it_without_a_prompt()
        {
            WithVaults(storeSecrets: "'k' = 'sk_x'", locked: "'Store'");
            var error = Assert.Single(_engine.Run($"Send-OctopodsSms -To +14155552671 -Body hi -SecretName k -BaseUri {Uri}").Errors);
            Assert.StartsWith("Octopods.VaultLocked", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.AuthenticationError, error.CategoryInfo.Category);
            Assert.Contains("Unlock-SecretStore -Password", error.Exception.Message);
            Assert.Contains("-Interaction None", error.Exception.Message);
            Assert.StartsWith("Unlock it first: Unlock-SecretStore -Password $password", error.ErrorDetails.RecommendedAction);
            Assert.EndsWith("Set-SecretStoreConfiguration -Authentication None -Interaction None.", error.ErrorDetails.RecommendedAction);

            // The same reason wrapped in a generic "Unable to get secret" error is still recognised.
            _engine.Run("$global:OctopodsTestVault.WrapErrors = $true").AssertNoErrors();
            var wrapped = Assert.Single(_engine.Run($"Send-OctopodsSms -To +14155552671 -Body hi -SecretName k -BaseUri {Uri}").Errors);
            Assert.StartsWith("Octopods.VaultLocked", wrapped.FullyQualifiedErrorId);
        }

        [Fact]
        public void A_missing_secret_or_vault_is_named_with_the_fix()
        {
            WithVaults();
            var missing = Assert.Single(_engine.Run($"Send-OctopodsSms -To +14155552671 -Body hi -SecretName nope -Vault Work -BaseUri {Uri}").Errors);
            Assert.StartsWith("Octopods.SecretNotFound", missing.FullyQualifiedErrorId);
            Assert.Contains("Set-Secret -Name nope -Secret (Read-Host -AsSecureString) -Vault Work", missing.Exception.Message);
            Assert.Equal("Store the channel key once: Set-Secret -Name nope -Secret (Read-Host -AsSecureString) -Vault Work.", missing.ErrorDetails.RecommendedAction);

            var noVault = Assert.Single(_engine.Run($"Send-OctopodsSms -To +14155552671 -Body hi -SecretName k -Vault Elsewhere -BaseUri {Uri}").Errors);
            Assert.StartsWith("Octopods.SecretVaultError", noVault.FullyQualifiedErrorId);
            Assert.Contains("Elsewhere does not exist", noVault.Exception.Message);
        }

        [Fact]
        public void Connect_with_a_secret_reads_it_again_on_every_command_so_rotation_needs_no_reconnect()
        {
            WithVaults(workSecrets: "'sms' = 'sk_first'");
            _engine.Run($"Connect-Octopods -Channel Sms -SecretName sms -Vault Work -BaseUri {Uri}").AssertNoErrors();
            var connection = _engine.Run("Get-OctopodsConnection -Channel Sms").Output.Single();
            Assert.Equal("Session", connection.Properties["KeySource"].Value);
            Assert.Equal("sms", connection.Properties["SecretName"].Value);
            Assert.Equal("Work", connection.Properties["Vault"].Value);

            _engine.Run("Send-OctopodsSms -To +14155552671 -Body a").AssertNoErrors();
            _engine.Run("$global:OctopodsTestVault.Vaults.Work['sms'] = 'sk_rotated'").AssertNoErrors();
            _engine.Run("Send-OctopodsSms -To +14155552671 -Body b").AssertNoErrors();
            Assert.Equal(new[] { "sk_first", "sk_rotated" }, _server.Keys);

            var failed = Assert.Single(_engine.Run("Connect-Octopods -SecretName absent").Errors);
            Assert.StartsWith("Octopods.SecretNotFound", failed.FullyQualifiedErrorId);
        }

        [Fact]
        public void Resolution_order_is_parameter_then_session_then_default_secret_then_environment()
        {
            WithVaults(storeSecrets: "'Octopods.Sms' = 'sk_default_secret'; 'explicit' = 'sk_explicit_secret'");
            Environment.SetEnvironmentVariable("OCTOPODS_SMS_API_KEY", "sk_environment");
            Environment.SetEnvironmentVariable("OCTOPODS_BASE_URI", Uri);
            _engine.Run("Connect-Octopods -ApiKey ([System.Net.NetworkCredential]::new('', 'sk_session').SecurePassword) -BaseUri $env:OCTOPODS_BASE_URI").AssertNoErrors();

            _engine.Run("Send-OctopodsSms -To +14155552671 -Body 1 -ApiKey ([System.Net.NetworkCredential]::new('', 'sk_parameter').SecurePassword)").AssertNoErrors();
            _engine.Run("Send-OctopodsSms -To +14155552671 -Body 2 -SecretName explicit").AssertNoErrors();
            _engine.Run("Send-OctopodsSms -To +14155552671 -Body 3").AssertNoErrors();
            _engine.Run("Disconnect-Octopods").AssertNoErrors();
            var fromDefault = _engine.Run("Send-OctopodsSms -To +14155552671 -Body 4 -Verbose");
            fromDefault.AssertNoErrors();
            Assert.Contains(fromDefault.Verbose, v => v.Contains("DefaultSecret (secret 'Octopods.Sms'"));
            _engine.Run("$global:OctopodsTestVault.Vaults.Store.Remove('Octopods.Sms')").AssertNoErrors();
            _engine.Run("Send-OctopodsSms -To +14155552671 -Body 5").AssertNoErrors();

            Assert.Equal(new[] { "sk_parameter", "sk_explicit_secret", "sk_session", "sk_default_secret", "sk_environment" }, _server.Keys);

            Environment.SetEnvironmentVariable("OCTOPODS_SMS_API_KEY", null);
            var none = Assert.Single(_engine.Run("Send-OctopodsSms -To +14155552671 -Body 6").Errors);
            Assert.StartsWith("Octopods.NotConnected", none.FullyQualifiedErrorId);
            foreach (var way in new[] { "-ApiKey", "-SecretName", "Connect-Octopods -Channel Sms", "secret named Octopods.Sms", "OCTOPODS_SMS_API_KEY" })
                Assert.Contains(way, none.Exception.Message);
        }

        [Fact]
        public void A_locked_default_vault_falls_through_to_the_environment_and_is_named_when_nothing_else_works()
        {
            WithVaults(storeSecrets: "'Octopods.Sms' = 'sk_default'", locked: "'Store'");
            Environment.SetEnvironmentVariable("OCTOPODS_SMS_API_KEY", "sk_environment");
            _engine.Run($"Send-OctopodsSms -To +14155552671 -Body a -BaseUri {Uri}").AssertNoErrors();
            Assert.Equal("sk_environment", _server.Keys.Single());

            Environment.SetEnvironmentVariable("OCTOPODS_SMS_API_KEY", null);
            var error = Assert.Single(_engine.Run($"Send-OctopodsSms -To +14155552671 -Body b -BaseUri {Uri}").Errors);
            Assert.StartsWith("Octopods.NotConnected", error.FullyQualifiedErrorId);
            Assert.Contains("is locked", error.Exception.Message);
        }

        [Fact]
        public void Get_OctopodsConnection_shows_the_source_a_command_would_use_never_the_key()
        {
            WithVaults(storeSecrets: "'Octopods.Sms' = 'sk_default_secret'; 'Octopods.WhatsApp' = 'sk_wa_secret'", workSecrets: "'viber' = 'sk_viber_secret'");
            Environment.SetEnvironmentVariable("OCTOPODS_SMS_API_KEY", "sk_environment");
            _engine.Run("Connect-Octopods -Channel Viber -SecretName viber -Vault Work").AssertNoErrors();

            var run = _engine.Run("Get-OctopodsConnection | ForEach-Object { '{0}|{1}|{2}|{3}' -f $_.Channel, $_.KeySource, $_.SecretName, $_.Vault }");
            run.AssertNoErrors();
            Assert.Equal(new[] { "Sms|DefaultSecret|Octopods.Sms|", "WhatsApp|DefaultSecret|Octopods.WhatsApp|", "Viber|Session|viber|Work" },
                run.Output.Select(o => o.ToString()));

            _engine.Run("$global:OctopodsTestVault.Vaults.Store.Clear()").AssertNoErrors();
            var afterRemoval = _engine.Run("Get-OctopodsConnection | ForEach-Object { '{0}|{1}' -f $_.Channel, $_.KeySource }");
            afterRemoval.AssertNoErrors();
            Assert.Equal(new[] { "Sms|Environment", "Viber|Session" }, afterRemoval.Output.Select(o => o.ToString()));
            Assert.DoesNotContain(run.AllText().Concat(afterRemoval.AllText()), t => t.Contains("sk_"));
        }

        [Fact]
        public void Vault_and_SecretName_tab_complete_without_reading_any_secret()
        {
            WithVaults(storeSecrets: "'Octopods.Sms' = 'sk_x'");
            _engine.Run("$global:OctopodsTestVault.Vaults['Work Vault'] = @{}").AssertNoErrors();
            string[] Complete(string line) => _engine.Run("(TabExpansion2 -inputScript $args[0] -cursorColumn $args[0].Length).CompletionMatches.CompletionText", line)
                .Output.Where(o => o != null).Select(o => o.ToString()).ToArray();

            Assert.Equal(new[] { "Store", "Work", "'Work Vault'" }, Complete("Send-OctopodsSms -Vault "));
            Assert.Equal(new[] { "Work", "'Work Vault'" }, Complete("Connect-Octopods -SecretName x -Vault W"));
            Assert.Equal(new[] { "Octopods.Sms" }, Complete("Get-OctopodsSmsStatus -SecretName Oct"));
            Assert.Equal(new[] { "Octopods.WhatsApp", "Octopods.Viber" }, Complete("Connect-Octopods -Channel WhatsApp, Viber -SecretName "));
            Assert.Equal(0, GetSecretCalls());

            _engine.Run("Remove-Module Microsoft.PowerShell.SecretManagement").AssertNoErrors();
            Assert.Empty(Complete("Send-OctopodsSms -Vault "));
        }

        [Fact]
        public void WhatIf_needs_no_key_and_reads_no_vault_error()
        {
            var run = _engine.Run("[pscustomobject]@{ To = '+14155552671'; Message = 'a' }, [pscustomobject]@{ To = 'bad'; Message = 'b' } | Send-OctopodsSms -WhatIf");
            Assert.StartsWith("Octopods.PhoneInvalid", Assert.Single(run.Errors).FullyQualifiedErrorId);
            Assert.Empty(run.Output);
        }
    }
}

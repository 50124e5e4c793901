using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Octopods.Sandbox;
using Octopods.Settings;
using Octopods.Sms;
using Octopods.TestServer;
using Xunit;

namespace Octopods.PowerShell.Tests.Commands
{
    /// <summary>
    /// Set-, Get- and Reset-OctopodsConfiguration in a hosted engine, with the stand-in SecretManagement,
    /// and what the settings do to the commands: precedence, proxy, timeout, 429 limits. Runs alone: the
    /// settings file (OCTOPODS_CONFIG_PATH) and OCTOPODS_BASE_URI are the process's.
    /// </summary>
    [Collection(ProcessEnvironmentCollection.Name)]
    public sealed class ConfigurationCommandTests : IAsyncLifetime, IDisposable
    {
        private const string Key = "sk_settings_3c9e";
        private const string ProxyUser = "corp\\ann";
        private const string ProxyPassword = "pr0xy-s3cret-9f";
        private static readonly string StandIn = Path.Combine(AppContext.BaseDirectory, "StandIns", "Microsoft.PowerShell.SecretManagement", "Microsoft.PowerShell.SecretManagement.psd1");
        private static readonly string SettingsPath = HermeticEnvironment.SettingsPath;
        private EmulatorServer _server = null!;
        private HostedEngine _engine = null!;

        public async Task InitializeAsync()
        {
            File.Delete(SettingsPath);
            Environment.SetEnvironmentVariable("OCTOPODS_BASE_URI", null);
            Environment.SetEnvironmentVariable("OCTOPODS_SMS_API_KEY", null);
            _server = await EmulatorServer.StartAsync(new OctopodsEmulator(Octopods.Time.SystemClock.Instance));
            _engine = new HostedEngine();
            _engine.Run($@"
                Import-Module -Name '{StandIn}' -ErrorAction Stop
                $global:OctopodsTestVault = @{{
                    DefaultVault = 'Store'
                    Vaults = @{{
                        Store = @{{ 'NotACredential' = 'just a string' }}
                        Work = @{{ 'CorpProxy' = [pscredential]::new('{ProxyUser}', [System.Net.NetworkCredential]::new('', '{ProxyPassword}').SecurePassword) }}
                    }}
                    Locked = @()
                    Calls = [System.Collections.Generic.List[object]]::new()
                }}
                $global:key = [System.Net.NetworkCredential]::new('', '{Key}').SecurePassword").AssertNoErrors();
        }

        public void Dispose() => _engine?.Dispose();

        public async Task DisposeAsync()
        {
            File.Delete(SettingsPath);
            Environment.SetEnvironmentVariable("OCTOPODS_BASE_URI", null);
            await _server.DisposeAsync();
        }

        private static string FileText => File.ReadAllText(SettingsPath);

        private static ErrorRecord SingleError(RunResult run, string name)
        {
            var error = Assert.Single(run.Errors);
            Assert.StartsWith($"Octopods.{name},", error.FullyQualifiedErrorId, StringComparison.Ordinal);
            return error;
        }

        [Fact]
        public void Set_writes_the_file_Get_shows_each_value_with_its_source_and_no_password_is_anywhere()
        {
            var set = _engine.Run(@"Set-OctopodsConfiguration -BaseUri https://api.octopods.io -Proxy http://proxy.corp.example:8080 -ProxyBypassList '*.corp.example', 10.* `
                -ProxySecretName CorpProxy -ProxyVault Work -RequestTimeoutSeconds 12.5 -MaxRateLimitRetries 2 -MaxRateLimitWaitSeconds 30 -PassThru");
            set.AssertNoErrors();
            var shown = set.SingleOutput<OctopodsConfiguration>();

            Assert.Equal(SettingsPath, shown.Path);
            Assert.Equal(("https://api.octopods.io/", SettingSource.File), (shown.BaseUri!.ToString(), shown.BaseUriSource));
            Assert.Equal(("http://proxy.corp.example:8080/", SettingSource.File), (shown.Proxy, shown.ProxySource));
            Assert.Equal(("secret 'CorpProxy' in vault 'Work'", SettingSource.File), (shown.ProxyCredential, shown.ProxyCredentialSource));
            Assert.Equal(new[] { "*.corp.example", "10.*" }, shown.ProxyBypassList);
            Assert.Equal((12.5, 2, 30.0), (shown.RequestTimeoutSeconds, shown.MaxRateLimitRetries, shown.MaxRateLimitWaitSeconds));
            Assert.Equal(1, (int)_engine.Run("$global:OctopodsTestVault.Calls.Count").Output.Single().BaseObject);   // the secret was checked once

            // A new engine (another session) reads the same file.
            using var other = new HostedEngine();
            var again = other.Run("Get-OctopodsConfiguration").SingleOutput<OctopodsConfiguration>();
            Assert.Equal((12.5, SettingSource.File), (again.RequestTimeoutSeconds, again.RequestTimeoutSource));
            Assert.Equal("CorpProxy", again.ProxySecretName);

            Assert.DoesNotContain(ProxyPassword, FileText);
            Assert.DoesNotContain(set.AllText(), t => t.Contains(ProxyPassword, StringComparison.Ordinal));
            Assert.Contains("\"proxySecretName\": \"CorpProxy\"", FileText);
        }

        [Fact]
        public void Values_not_given_stay_and_Reset_returns_the_ones_named_or_all_to_their_defaults()
        {
            _engine.Run("Set-OctopodsConfiguration -Proxy http://proxy.corp.example:8080 -ProxyBypassList 10.* -RequestTimeoutSeconds 9").AssertNoErrors();
            _engine.Run("Set-OctopodsConfiguration -MaxRateLimitRetries 1").AssertNoErrors();
            var both = _engine.Run("Get-OctopodsConfiguration").SingleOutput<OctopodsConfiguration>();
            Assert.Equal((9.0, 1, "http://proxy.corp.example:8080/"), (both.RequestTimeoutSeconds, both.MaxRateLimitRetries, both.Proxy));

            // -Proxy System drops the address's bypass list; -WhatIf changes nothing.
            _engine.Run("Set-OctopodsConfiguration -Proxy None -WhatIf").AssertNoErrors();
            Assert.Contains("10.*", FileText);
            var reset = _engine.Run("Reset-OctopodsConfiguration -Setting Proxy, RequestTimeout -PassThru");
            reset.AssertNoErrors();
            var after = reset.SingleOutput<OctopodsConfiguration>();
            Assert.Equal(("System", SettingSource.Default), (after.Proxy, after.ProxySource));
            Assert.Empty(after.ProxyBypassList);
            Assert.Equal((30.0, SettingSource.Default), (after.RequestTimeoutSeconds, after.RequestTimeoutSource));
            Assert.Equal((1, SettingSource.File), (after.MaxRateLimitRetries, after.MaxRateLimitRetriesSource));

            _engine.Run("Reset-OctopodsConfiguration").AssertNoErrors();
            Assert.False(File.Exists(SettingsPath));
        }

        [Theory]
        [InlineData("-RequestTimeoutSeconds -5", "SettingOutOfRange", "-RequestTimeoutSeconds 60")]
        [InlineData("-MaxRateLimitRetries 1000", "SettingOutOfRange", "-MaxRateLimitRetries 10")]
        [InlineData("-MaxRateLimitWaitSeconds -1", "SettingOutOfRange", "-MaxRateLimitWaitSeconds 600")]
        [InlineData("-Proxy proxy.corp.example:8080", "ProxyInvalid", "-Proxy http://proxy.corp.example:8080")]
        [InlineData("-Proxy http://ann:hunter2@proxy.corp.example:8080", "ProxyInvalid", "Set-Secret -Name OctopodsProxy -Secret (Get-Credential)")]
        [InlineData("-ProxyBypassList *.corp.example", "ProxyInvalid", "-Proxy http://proxy.corp.example:8080 -ProxyBypassList")]
        [InlineData("-Proxy None -ProxySecretName CorpProxy -ProxyVault Work", "ProxyInvalid", "Reset-OctopodsConfiguration -Setting ProxyCredential")]
        [InlineData("-ProxySecretName Missing", "SecretNotFound", "Set-Secret -Name Missing -Secret (Get-Credential)")]
        [InlineData("-ProxySecretName NotACredential", "SecretWrongType", "Set-Secret -Name NotACredential -Secret (Get-Credential)")]
        [InlineData("-BaseUri http://octopods.example", "InsecureBaseUri", "https://")]
        public void A_bad_value_is_a_named_error_with_the_fix_and_nothing_is_written(string parameters, string name, string fix)
        {
            var run = _engine.Run("Set-OctopodsConfiguration " + parameters);

            var error = SingleError(run, name);
            Assert.Equal(name == "SecretNotFound" ? ErrorCategory.ObjectNotFound : ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
            Assert.Contains(fix, error.Exception.Message, StringComparison.Ordinal);
            Assert.False(File.Exists(SettingsPath));
            Assert.DoesNotContain(run.AllText(), t => t.Contains("hunter2", StringComparison.Ordinal));
        }

        [Fact]
        public void A_file_that_cannot_be_used_stops_every_command_until_it_is_corrected_or_reset()
        {
            File.WriteAllText(SettingsPath, "{ \"requestTimeoutSeconds\": 0 }");

            var send = _engine.Run($"Send-OctopodsSms -To +14155552671 -Body hi -ApiKey $key -BaseUri {_server.BaseUri}");
            var error = SingleError(send, "SettingsFileInvalid");
            Assert.Contains(SettingsPath, error.Exception.Message);
            Assert.Contains("A request timeout of 0 s is not possible", error.Exception.Message);
            SingleError(_engine.Run("Get-OctopodsConfiguration"), "SettingsFileInvalid");
            Assert.Empty(_server.Requests);

            _engine.Run("Reset-OctopodsConfiguration -Confirm:$false").AssertNoErrors();
            _engine.Run($"Send-OctopodsSms -To +14155552671 -Body hi -ApiKey $key -BaseUri {_server.BaseUri}").AssertNoErrors();
        }

        [Fact]
        public async Task A_command_parameter_beats_the_session_which_beats_the_file_which_beats_the_environment()
        {
            await using var fromFile = await EmulatorServer.StartAsync(new OctopodsEmulator(Octopods.Time.SystemClock.Instance));
            await using var fromEnvironment = await EmulatorServer.StartAsync(new OctopodsEmulator(Octopods.Time.SystemClock.Instance));
            Environment.SetEnvironmentVariable("OCTOPODS_BASE_URI", fromEnvironment.BaseUri.ToString());
            const string send = "Send-OctopodsSms -To +14155552671 -Body hi -ApiKey $key";

            _engine.Run(send).AssertNoErrors();
            Assert.Single(fromEnvironment.Requests);

            _engine.Run($"Set-OctopodsConfiguration -BaseUri {fromFile.BaseUri}").AssertNoErrors();
            var shown = _engine.Run("Get-OctopodsConfiguration").SingleOutput<OctopodsConfiguration>();
            Assert.Equal((fromFile.BaseUri, SettingSource.File), (shown.BaseUri!, shown.BaseUriSource));
            _engine.Run(send).AssertNoErrors();
            Assert.Single(fromFile.Requests);

            _engine.Run($"{send} -BaseUri {_server.BaseUri}").AssertNoErrors();
            Assert.Single(_server.Requests);

            // Connect-Octopods without -BaseUri follows the settings as they are when each command runs.
            _engine.Run("Connect-Octopods -ApiKey $key").AssertNoErrors();
            _engine.Run("Send-OctopodsSms -To +14155552671 -Body hi").AssertNoErrors();
            Assert.Equal(2, fromFile.Requests.Count);
            Assert.Equal(fromFile.BaseUri, _engine.Run("Get-OctopodsConnection -Channel Sms").Output.Single().Properties["BaseUri"].Value);
            _engine.Run($"Connect-Octopods -ApiKey $key -BaseUri {_server.BaseUri}").AssertNoErrors();
            _engine.Run("Send-OctopodsSms -To +14155552671 -Body hi").AssertNoErrors();
            Assert.Equal(2, _server.Requests.Count);

            _engine.Run("Disconnect-Octopods; Reset-OctopodsConfiguration -Setting BaseUri").AssertNoErrors();
            _engine.Run(send).AssertNoErrors();
            Assert.Equal(2, fromEnvironment.Requests.Count);
        }

        [Fact]
        public void Sends_go_through_the_authenticating_proxy_the_settings_name_with_the_credential_from_the_vault()
        {
            using var proxy = AuthenticatingProxy.Start(ProxyUser, ProxyPassword);
            var sendPath = $"{_server.BaseUri.GetLeftPart(UriPartial.Authority)}/api/v1/sms/messages";
            var send = $"Send-OctopodsSms -To +14155552671 -Body 'via the proxy' -ApiKey $key -BaseUri {_server.BaseUri} -Verbose";

            _engine.Run($"Set-OctopodsConfiguration -Proxy {proxy.Address}").AssertNoErrors();
            var refused = _engine.Run(send);
            var error = SingleError(refused, "ProxyAuthenticationRequired");
            Assert.Equal(ErrorCategory.AuthenticationError, error.CategoryInfo.Category);
            Assert.Contains($"The proxy {proxy.Address.GetLeftPart(UriPartial.Authority)} asks for credentials (HTTP 407)", error.Exception.Message);
            Assert.Contains("Set-OctopodsConfiguration -ProxySecretName", error.Exception.Message);
            Assert.Empty(_server.Requests);

            _engine.Run("Set-OctopodsConfiguration -ProxySecretName CorpProxy -ProxyVault Work").AssertNoErrors();
            var sent = _engine.Run(send);
            sent.AssertNoErrors();
            Assert.Equal("+14155552671", sent.SingleOutput<SmsSendResult>().PhoneNumber);
            Assert.Contains(sent.Verbose, v => v.Contains($"through proxy {proxy.Address} with the credential in secret 'CorpProxy' in vault 'Work'", StringComparison.Ordinal));
            Assert.Equal($"POST {sendPath} -> 201 (as {ProxyUser})", proxy.Log[^1]);
            Assert.Single(_server.Requests);
            Assert.DoesNotContain(ProxyPassword, FileText);
            Assert.DoesNotContain(sent.AllText(), t => t.Contains(ProxyPassword, StringComparison.Ordinal));
        }

        [Fact]
        public void A_PSCredential_is_used_for_the_session_only_and_never_written()
        {
            using var proxy = AuthenticatingProxy.Start(ProxyUser, ProxyPassword);
            _engine.Run($"Set-OctopodsConfiguration -Proxy {proxy.Address}").AssertNoErrors();
            var before = FileText;

            var set = _engine.Run($"Set-OctopodsConfiguration -ProxyCredential ([pscredential]::new('{ProxyUser}', [System.Net.NetworkCredential]::new('', '{ProxyPassword}').SecurePassword))");
            set.AssertNoErrors();
            Assert.Contains(set.Warnings, w => w.Contains("kept for this session only", StringComparison.Ordinal) && w.Contains("-ProxySecretName", StringComparison.Ordinal));
            Assert.Equal(before, FileText);
            var shown = _engine.Run("Get-OctopodsConfiguration").SingleOutput<OctopodsConfiguration>();
            Assert.Equal(($"PSCredential for '{ProxyUser}'", SettingSource.Session), (shown.ProxyCredential, shown.ProxyCredentialSource));

            _engine.Run($"Send-OctopodsSms -To +14155552671 -Body hi -ApiKey $key -BaseUri {_server.BaseUri}").AssertNoErrors();
            Assert.Contains(proxy.Log, line => line.EndsWith($"-> 201 (as {ProxyUser})", StringComparison.Ordinal));

            // Another session has only the file: no credential, so the proxy refuses it.
            using var other = new HostedEngine();
            other.Run($"$key = [System.Net.NetworkCredential]::new('', '{Key}').SecurePassword").AssertNoErrors();
            SingleError(other.Run($"Send-OctopodsSms -To +14155552671 -Body hi -ApiKey $key -BaseUri {_server.BaseUri}"), "ProxyAuthenticationRequired");

            _engine.Run("Reset-OctopodsConfiguration -Setting ProxyCredential").AssertNoErrors();
            Assert.Equal(SettingSource.Default, _engine.Run("Get-OctopodsConfiguration").SingleOutput<OctopodsConfiguration>().ProxyCredentialSource);
        }

        [Fact]
        public void The_request_timeout_from_the_file_reaches_the_client()
        {
            _server.Latency = TimeSpan.FromSeconds(5);
            _engine.Run("Set-OctopodsConfiguration -RequestTimeoutSeconds 0.3").AssertNoErrors();

            var run = _engine.Run($"Get-OctopodsSmsStatus -MessageId msg_1 -ApiKey $key -BaseUri {_server.BaseUri}");

            var error = SingleError(run, "Timeout");
            Assert.Contains("within 0.3 s", error.Exception.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void The_longest_429_wait_from_the_file_reaches_the_client()
        {
            _server.Intercept = async context =>
            {
                context.Response.StatusCode = 429;
                context.Response.Headers["Retry-After"] = "2";
                await context.Response.WriteAsync("{\"message\":\"slow down\"}");
                return true;
            };
            _engine.Run("Set-OctopodsConfiguration -MaxRateLimitWaitSeconds 1").AssertNoErrors();

            var run = _engine.Run($"Send-OctopodsSms -To +14155552671 -Body hi -ApiKey $key -BaseUri {_server.BaseUri}");

            var error = SingleError(run, "RateLimited");
            Assert.Contains("longer than the 1 s allowed", error.Exception.Message, StringComparison.Ordinal);
            Assert.Single(_server.Requests);
        }
    }
}

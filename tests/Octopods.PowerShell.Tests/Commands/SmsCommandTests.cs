using System;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using Octopods.Sandbox;
using Octopods.Sms;
using Octopods.TestServer;
using Xunit;

namespace Octopods.PowerShell.Tests.Commands
{
    /// <summary>The SMS journeys against the in-process sandbox (Connect-Octopods -Sandbox).</summary>
    public sealed class SmsSandboxTests : IDisposable
    {
        private readonly HostedEngine _engine = new HostedEngine();

        public SmsSandboxTests()
        {
            var connected = _engine.Run("Connect-Octopods -Sandbox");
            connected.AssertNoErrors();
        }

        public void Dispose() => _engine.Dispose();

        [Fact]
        public void Single_send_returns_a_typed_result_with_ids_and_segments()
        {
            var run = _engine.Run("Send-OctopodsSms -DestinationPhone +14155552671 -Body 'Your order ORD-1001 has shipped.'");
            run.AssertNoErrors();
            var result = run.SingleOutput<SmsSendResult>();
            Assert.StartsWith("msg_", result.MessageId);
            Assert.StartsWith("req_", result.RequestId);
            Assert.Equal("+14155552671", result.PhoneNumber);
            Assert.EndsWith("/api/v1/sms/messages/" + result.MessageId, result.StatusUrl);
            Assert.StartsWith("SM", result.ChannelMessageId);
            Assert.Equal("GSM-7", result.Encoding);
            Assert.Equal(1, result.Segments);
            Assert.Null(result.Status);
        }

        [Fact]
        public void Csv_rows_bind_by_column_name_and_bad_rows_become_errors_in_input_order()
        {
            var run = _engine.Run(@"
                $rows = @(
                    [pscustomobject]@{ To = '+14155550101'; Message = 'one'; Name = 'Ann' }
                    [pscustomobject]@{ To = '4155550102';   Message = 'two'; Name = 'Bob' }
                    [pscustomobject]@{ Phone = '+14155550103'; Text = 'three ✓' }
                    [pscustomobject]@{ PhoneNumber = '+14155550104'; Body = '   ' }
                    [pscustomobject]@{ destination_phone = '+14155550105'; body = 'five'; destination_user_name = 'Eve' }
                )
                $rows | Send-OctopodsSms 2>&1");
            Assert.Equal(5, run.Output.Count);
            Assert.IsType<SmsSendResult>(run.Output[0].BaseObject);
            Assert.IsType<ErrorRecord>(run.Output[1].BaseObject);
            Assert.IsType<SmsSendResult>(run.Output[2].BaseObject);
            Assert.IsType<ErrorRecord>(run.Output[3].BaseObject);
            Assert.IsType<SmsSendResult>(run.Output[4].BaseObject);

            Assert.Equal("+14155550101", ((SmsSendResult)run.Output[0].BaseObject).PhoneNumber);
            Assert.Equal("Ann", ((SmsSendResult)run.Output[0].BaseObject).DestinationUserName);
            Assert.Equal("UCS-2", ((SmsSendResult)run.Output[2].BaseObject).Encoding);
            Assert.Equal("Eve", ((SmsSendResult)run.Output[4].BaseObject).DestinationUserName);

            var phoneError = (ErrorRecord)run.Output[1].BaseObject;
            Assert.StartsWith("Octopods.PhoneInvalid,", phoneError.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.InvalidArgument, phoneError.CategoryInfo.Category);
            Assert.Contains("'4155550102'", phoneError.Exception.Message);
            Assert.Contains("-DefaultRegion", phoneError.Exception.Message);
            Assert.Equal("Bob", ((PSObject)phoneError.TargetObject).Properties["Name"].Value);

            var bodyError = (ErrorRecord)run.Output[3].BaseObject;
            Assert.StartsWith("Octopods.BodyEmpty,", bodyError.FullyQualifiedErrorId);
            Assert.Equal("+14155550104", ((PSObject)bodyError.TargetObject).Properties["PhoneNumber"].Value);
        }

        [Fact]
        public void Wait_follows_messages_to_their_final_status_in_input_order()
        {
            var run = _engine.Run($@"
                @(
                    [pscustomobject]@{{ To = '+14155552671'; Message = 'a' }}
                    [pscustomobject]@{{ To = '{SandboxNumbers.Fails}'; Message = 'b' }}
                    [pscustomobject]@{{ To = '{SandboxNumbers.ProviderError}'; Message = 'c' }}
                    [pscustomobject]@{{ To = '{SandboxNumbers.Undelivered}'; Message = 'd' }}
                ) | Send-OctopodsSms -Wait 2>&1");
            Assert.Equal(4, run.Output.Count);
            var delivered = (SmsSendResult)run.Output[0].BaseObject;
            Assert.Equal("Delivered", delivered.Status);
            Assert.True(delivered.IsTerminal);
            Assert.NotNull(delivered.SentAt);
            Assert.NotNull(delivered.DeliveredAt);
            Assert.True(delivered.DeliveredAt > delivered.SentAt);

            var failed = (SmsSendResult)run.Output[1].BaseObject;
            Assert.Equal("Failed", failed.Status);
            Assert.Contains("not a valid mobile subscriber", failed.FailureReason);

            var providerError = (ErrorRecord)run.Output[2].BaseObject;
            Assert.StartsWith("Octopods.ProviderError,", providerError.FullyQualifiedErrorId);
            Assert.Contains("request_id req_", providerError.ToString());
            Assert.Contains("Octopods Sms error 4", providerError.ToString());

            Assert.Equal("Undelivered", ((SmsSendResult)run.Output[3].BaseObject).Status);
            Assert.Contains(run.Progress, p => p.Activity == "Waiting for SMS delivery" && p.RecordType == ProgressRecordType.Processing);
        }

        [Fact]
        public void Wait_timeout_keeps_the_result_and_warns()
        {
            var run = _engine.Run($"Send-OctopodsSms -To {SandboxNumbers.StaysQueued} -Body hi -Wait -TimeoutSeconds 20");
            run.AssertNoErrors();
            var result = run.SingleOutput<SmsSendResult>();
            Assert.Equal("Queued", result.Status);
            Assert.False(result.IsTerminal);
            Assert.Contains(run.Warnings, w => w.Contains(result.MessageId) && w.Contains("20 s"));
        }

        [Fact]
        public void Status_binds_from_send_results_and_by_message_id_column()
        {
            var run = _engine.Run(@"
                $sent = Send-OctopodsSms -To +14155552671 -Body hello
                $first = $sent | Get-OctopodsSmsStatus
                $final = [pscustomobject]@{ message_id = $sent.MessageId } | Get-OctopodsSmsStatus -Wait
                $first, $final");
            run.AssertNoErrors();
            var statuses = run.All<SmsStatus>();
            Assert.Equal("Queued", statuses[0].Status);
            Assert.False(statuses[0].IsTerminal);
            Assert.Equal("Delivered", statuses[1].Status);
            Assert.True(statuses[1].IsTerminal);
            Assert.Equal(statuses[0].MessageId, statuses[1].MessageId);
        }

        [Fact]
        public void Status_wait_keeps_input_order_for_errors_too()
        {
            var run = _engine.Run(@"
                $sent = Send-OctopodsSms -To +14155552671 -Body hello
                $sent.MessageId, ' ', $sent.MessageId | Get-OctopodsSmsStatus -Wait 2>&1 | ForEach-Object { $_.GetType().Name }");
            Assert.Equal(new[] { "SmsStatus", "ErrorRecord", "SmsStatus" }, run.Output.Select(o => o.ToString()));
        }

        [Fact]
        public void Status_of_an_unknown_id_is_a_not_found_error_naming_the_id()
        {
            var run = _engine.Run("'msg_nope', '' | Get-OctopodsSmsStatus");
            Assert.Equal(2, run.Errors.Count);
            Assert.StartsWith("Octopods.MessageNotFound,", run.Errors[0].FullyQualifiedErrorId);
            Assert.Equal("msg_nope", run.Errors[0].TargetObject);
            Assert.Equal(ErrorCategory.ObjectNotFound, run.Errors[0].CategoryInfo.Category);
            Assert.StartsWith("Octopods.MessageIdMissing,", run.Errors[1].FullyQualifiedErrorId);
        }

        [Fact]
        public void Default_region_turns_national_numbers_into_e164()
        {
            var run = _engine.Run("Send-OctopodsSms -To '(415) 555-2671' -Body hi -DefaultRegion US; Send-OctopodsSms -To '087 123 4567' -Body hi -DefaultRegion IE");
            run.AssertNoErrors();
            var results = run.All<SmsSendResult>();
            Assert.Equal("+14155552671", results[0].PhoneNumber);
            Assert.Equal("+353871234567", results[1].PhoneNumber);
        }

        [Fact]
        public void WhatIf_validates_but_sends_nothing()
        {
            var run = _engine.Run("Send-OctopodsSms -To +14155552671 -Body hi -WhatIf; [pscustomobject]@{ To = 'bad'; Message = 'x' } | Send-OctopodsSms -WhatIf");
            Assert.Empty(run.Output);
            Assert.Single(run.Errors);
            Assert.StartsWith("Octopods.PhoneInvalid,", run.Errors[0].FullyQualifiedErrorId);
        }

        [Fact]
        public void Deprecated_key_is_an_authentication_error_with_the_fix()
        {
            var run = _engine.Run($"Connect-Octopods -Sandbox -ApiKey ([System.Net.NetworkCredential]::new('', '{SandboxKeys.Deprecated}').SecurePassword); Send-OctopodsSms -To +14155552671 -Body hi");
            var error = Assert.Single(run.Errors);
            Assert.StartsWith("Octopods.DeprecatedApiKey,", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.AuthenticationError, error.CategoryInfo.Category);
            Assert.Contains("Deprecated API Key", error.Exception.Message);
            Assert.Contains("settings screen", error.Exception.Message);
            Assert.Contains("settings screen", ((Octopods.Errors.OctopodsException)error.Exception).Fix);
        }

        [Fact]
        public void Sandbox_rate_limit_is_waited_out_and_every_row_is_sent()
        {
            var run = _engine.Run(@"
                Connect-Octopods -Sandbox -SandboxRateLimit 1
                1..3 | ForEach-Object { [pscustomobject]@{ To = ""+1415555020$_""; Message = ""n $_"" } } | Send-OctopodsSms -Verbose");
            run.AssertNoErrors();
            Assert.Equal(3, run.Output.Count);
            Assert.Contains(run.Verbose, v => v.Contains("429"));
            Assert.Contains(run.Verbose, v => v.Contains("POST /api/v1/sms/messages -> 201"));
        }

        [Fact]
        public void Measure_reports_encoding_segments_and_the_characters_that_forced_ucs2()
        {
            var run = _engine.Run("Measure-OctopodsSms -Body ('a' * 161); 'Café 🚚' | Measure-OctopodsSms");
            var measures = run.All<SmsSegmentInfo>();
            Assert.Equal("GSM-7", measures[0].Encoding);
            Assert.Equal(2, measures[0].Segments);
            Assert.Equal("UCS-2", measures[1].Encoding);
            Assert.Equal(new[] { "🚚" }, measures[1].UnicodeCharacters);
            Assert.Equal(7, measures[1].Units);
            Assert.Equal(6, measures[1].Characters);
        }

        [Fact]
        public void Connection_shows_sandbox_channels_without_a_key()
        {
            var run = _engine.Run("Get-OctopodsConnection");
            Assert.Equal(new[] { "Sms", "WhatsApp", "Viber" }, run.Output.Select(o => o.Properties["Channel"].Value.ToString()));
            Assert.All(run.Output, o => Assert.Equal(true, o.Properties["Sandbox"].Value));
            Assert.All(run.Output, o => Assert.Equal("Session", o.Properties["KeySource"].Value));
            // Nothing on the object can hold a key.
            Assert.Equal(new[] { "BaseUri", "Channel", "ConnectedAt", "KeySource", "Sandbox", "SecretName", "Vault" },
                run.Output[0].Properties.Select(p => p.Name).OrderBy(n => n));
            _engine.Run("Disconnect-Octopods -Channel Sms");
            Assert.Equal(2, _engine.Run("Get-OctopodsConnection").Output.Count);
        }

        [Fact]
        public void DefaultRegion_tab_completes_region_codes()
        {
            var run = _engine.Run("$s = 'Send-OctopodsSms -DefaultRegion I'; (TabExpansion2 -inputScript $s -cursorColumn $s.Length).CompletionMatches.CompletionText");
            var codes = run.Output.Select(o => o.ToString()).ToList();
            Assert.Contains("IE", codes);
            Assert.Contains("IN", codes);
            Assert.All(codes, c => Assert.StartsWith("I", c));
        }

        [Fact]
        public void Plain_http_to_a_remote_host_is_refused()
        {
            var run = _engine.Run("Connect-Octopods -ApiKey ([System.Net.NetworkCredential]::new('', 'k').SecurePassword) -BaseUri http://app.octopods.io");
            var error = Assert.Single(run.Errors);
            Assert.StartsWith("Octopods.InsecureBaseUri", error.FullyQualifiedErrorId);
        }
    }

    /// <summary>The module against the emulator on a loopback socket: real HTTP, observable ledger.</summary>
    public sealed class SmsLoopbackTests : IAsyncLifetime, IDisposable
    {
        private const string Key = "sk_live_SENTINEL_7f3a9c2e51";
        private EmulatorServer _server = null!;
        private HostedEngine _engine = null!;

        public async Task InitializeAsync()
        {
            _server = await EmulatorServer.StartAsync(new OctopodsEmulator(Octopods.Time.SystemClock.Instance));
            _engine = new HostedEngine();
            var connect = _engine.Run($"Connect-Octopods -ApiKey ([System.Net.NetworkCredential]::new('', '{Key}').SecurePassword) -BaseUri {_server.BaseUri}");
            connect.AssertNoErrors();
        }

        public void Dispose() => _engine?.Dispose();

        public async Task DisposeAsync()
        {
            await _server.DisposeAsync();
        }

        [Fact]
        public void A_row_with_two_phone_columns_that_disagree_is_refused_and_the_rest_go_out()
        {
            var run = _engine.Run(@"@(
                [pscustomobject]@{ To = '+14155552671'; Phone = '+14155552672'; Message = 'which one?' }
                [pscustomobject]@{ To = '+14155552673'; Phone = '+14155552673'; Message = 'same number twice' }
                [pscustomobject]@{ To = '+14155552674'; Message = 'hello'; Text = 'hi' }) | Send-OctopodsSms");

            Assert.Equal(new[] { "+14155552673" }, run.Output.Select(o => (string)o.Properties["PhoneNumber"].Value));
            Assert.Equal(2, run.Errors.Count);
            Assert.All(run.Errors, e => Assert.StartsWith("Octopods.AmbiguousColumns,", e.FullyQualifiedErrorId, StringComparison.Ordinal));
            Assert.Contains("To = '+14155552671'", run.Errors[0].Exception.Message, StringComparison.Ordinal);
            Assert.Contains("Phone = '+14155552672'", run.Errors[0].Exception.Message, StringComparison.Ordinal);
            Assert.Contains("-Body", run.Errors[1].Exception.Message, StringComparison.Ordinal);
            Assert.Single(_server.Requests);
        }

        [Theory]
        [InlineData("sk_live_a`r`nX-Injected: 1", "a control character")]
        [InlineData("sk_live_a`r`nX-Injected:1", "a control character")]   // no space to trip on: the CR/LF itself is refused
        [InlineData("sk_live_a`nb", "a control character")]
        [InlineData("sk_live_é", "a non-ASCII character")]
        public void A_key_that_cannot_be_a_header_is_refused_before_any_request(string key, string what)
        {
            var run = _engine.Run($"Send-OctopodsSms -To +14155552671 -Body hi -ApiKey ([System.Net.NetworkCredential]::new('', \"{key}\").SecurePassword) -BaseUri {_server.BaseUri}");

            var error = Assert.Single(run.Errors);
            Assert.StartsWith("Octopods.ApiKeyInvalid,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
            Assert.Contains(what, error.Exception.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("sk_live_", error.Exception.Message, StringComparison.Ordinal);
            Assert.Empty(_server.Requests);
        }

        [Fact]
        public void WhatIf_sends_no_request()
        {
            var run = _engine.Run(@"1..3 | ForEach-Object { [pscustomobject]@{ To = '+14155552671'; Message = ""m $_"" } } | Send-OctopodsSms -WhatIf");
            Assert.Empty(run.Output);
            run.AssertNoErrors();
            Assert.Empty(_server.Requests);
        }

        [Fact]
        public void Force_never_overrides_an_inherited_WhatIf()
        {
            var run = _engine.Run("$WhatIfPreference = $true; Send-OctopodsSms -To +14155552671 -Body hi -Force");
            run.AssertNoErrors();
            Assert.Empty(run.Output);
            run = _engine.Run("$WhatIfPreference = $false; Send-OctopodsSms -To +14155552671 -Body hi -Force -WhatIf");
            run.AssertNoErrors();
            Assert.Empty(run.Output);
            Assert.Empty(_server.Requests);
            _engine.Run("$WhatIfPreference = $false; Send-OctopodsSms -To +14155552671 -Body hi -Force").AssertNoErrors();
            Assert.Single(_server.Requests);
        }

        [Fact]
        public void An_empty_key_is_a_named_error()
        {
            var run = _engine.Run("Connect-Octopods -ApiKey ([System.Net.NetworkCredential]::new('', '').SecurePassword)");
            Assert.StartsWith("Octopods.ApiKeyEmpty", Assert.Single(run.Errors).FullyQualifiedErrorId);
        }

        [Fact]
        public void A_sandbox_session_key_is_never_sent_to_an_explicit_address()
        {
            var run = _engine.Run($"Connect-Octopods -Sandbox; Send-OctopodsSms -To +14155552671 -Body hi -BaseUri {_server.BaseUri}");
            Assert.StartsWith("Octopods.NotConnected", Assert.Single(run.Errors).FullyQualifiedErrorId);
            Assert.Empty(_server.Requests);
        }

        [Fact]
        public void Csv_text_flags_bind_and_reach_the_request_body()
        {
            var run = _engine.Run(@"
                [pscustomobject]@{ To = '+14155552671'; Message = 'a'; open_intercom_conversation = 'true'; intercom_teammate_id = '42' },
                [pscustomobject]@{ To = '+14155552672'; Message = 'b'; open_intercom_conversation = 'False' } | Send-OctopodsSms");
            run.AssertNoErrors();
            // Sends overlap (ThrottleLimit 4 by default), so find each row's body by its number.
            var first = Assert.Single(_server.Bodies, b => b.Contains("+14155552671"));
            var second = Assert.Single(_server.Bodies, b => b.Contains("+14155552672"));
            Assert.Contains("\"open_intercom_conversation\":true", first);
            Assert.Contains("\"intercom_teammate_id\":\"42\"", first);
            Assert.Contains("\"open_intercom_conversation\":false", second);
            Assert.Equal(2, _server.Emulator.Ledger.Count);
        }

        [Fact]
        public void The_key_appears_in_no_stream_error_output_or_serialisation()
        {
            // Over the socket first, then the same key in the sandbox, where -Wait and 429 pauses run on its clock.
            var run = _engine.Run($@"
                $DebugPreference = 'Continue'
                $key = [System.Net.NetworkCredential]::new('', '{Key}').SecurePassword
                $sent = Send-OctopodsSms -To +14155552671 -Body 'hello' -Verbose -Debug
                Send-OctopodsSms -To {SandboxNumbers.ProviderError} -Body 'x' -Verbose -Debug
                Send-OctopodsSms -To 'nonsense' -Body 'x'
                $sent | Get-OctopodsSmsStatus -Verbose -Debug
                Get-OctopodsSmsStatus -MessageId nope -Verbose
                Send-OctopodsSms -To +14155552671 -Body 'x' -ApiKey ([System.Net.NetworkCredential]::new('', '{SandboxKeys.Deprecated}').SecurePassword) -BaseUri {_server.BaseUri}
                Send-OctopodsSms -To +14155552671 -Body 'x' -ApiKey $key -BaseUri http://example.com
                Send-OctopodsWhatsAppTemplate -TemplateId 1001 -To +14155552671 -BodyVariable a, b -ApiKey $key -BaseUri {_server.BaseUri} -Verbose -Debug
                Send-OctopodsViberTemplate -TemplateId 2001 -To +14155552671 -BodyVariable a -ApiKey $key -BaseUri {_server.BaseUri} -Verbose -Debug
                Connect-Octopods -Sandbox -ApiKey $key -SandboxRateLimit 1 -PassThru
                1..2 | ForEach-Object {{ Send-OctopodsSms -To +1415555267$_ -Body 'again' -Wait -Verbose -Debug }}
                Send-OctopodsWhatsAppTemplate -TemplateId 1001 -To +14155552671 -BodyVariable a, b -Wait -Verbose -Debug
                Get-OctopodsConnection
                $sent");
            Assert.All(_server.Keys.Take(3), k => Assert.Equal(Key, k));
            Assert.NotEmpty(run.Verbose);
            Assert.NotEmpty(run.Debug);
            Assert.Contains(run.Debug, d => d.Contains("X-Octopods-Auth: ***"));
            // The WhatsApp and Viber template commands take the same key: one WhatsApp send over the socket and one
            // in the sandbox with -Wait (two more outputs), one Viber row refused for its variable count (one more error).
            Assert.Equal(6, run.Errors.Count);
            Assert.Equal(12, run.Output.Count);
            Assert.Contains(run.Verbose, v => v.Contains("429"));
            var leaks = run.AllText().Where(t => t.Contains(Key) || t.Contains("SENTINEL")).ToList();
            Assert.Empty(leaks);
        }

        [Fact]
        public async Task Stopping_the_pipeline_cancels_a_send_in_flight_promptly()
        {
            var arrived = new TaskCompletionSource<bool>();
            _server.Intercept = async ctx =>
            {
                arrived.TrySetResult(true);
                return await RequestIntercepts.HangUntilAborted(ctx);
            };
            using var ps = _engine.CreatePowerShell("Send-OctopodsSms -To +14155552671 -Body 'slow'");
            var invocation = ps.BeginInvoke();
            await arrived.Task.WaitAsync(TimeSpan.FromSeconds(20));
            var watch = System.Diagnostics.Stopwatch.StartNew();
            ps.Stop();
            Assert.Throws<PipelineStoppedException>(() => ps.EndInvoke(invocation));
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"Stop took {watch.Elapsed}");
            Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
        }

        [Fact]
        public void Verbose_logs_each_exchange_with_method_path_status_and_request_id()
        {
            var run = _engine.Run("Send-OctopodsSms -To +14155552671 -Body hi -Verbose");
            Assert.Contains(run.Verbose, v => v.StartsWith("POST /api/v1/sms/messages -> 201 in ", StringComparison.Ordinal) && v.Contains("request_id req_sbx_"));
        }
    }
}

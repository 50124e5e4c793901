using System;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using Octopods.Sandbox;
using Octopods.Templates;
using Octopods.TestServer;
using Octopods.Viber;
using Octopods.WhatsApp;
using Xunit;

namespace Octopods.PowerShell.Tests.Commands
{
    /// <summary>The WhatsApp and Viber journeys against the in-process sandbox (Connect-Octopods -Sandbox).</summary>
    public sealed class WhatsAppViberSandboxTests : IDisposable
    {
        private readonly HostedEngine _engine = new HostedEngine();

        public WhatsAppViberSandboxTests() => _engine.Run("Connect-Octopods -Sandbox").AssertNoErrors();

        public void Dispose() => _engine.Dispose();

        private static string Id(ErrorRecord error) => error.FullyQualifiedErrorId.Split(',')[0];

        [Fact]
        public void Csv_rows_send_with_variables_from_named_columns_and_wait_in_input_order()
        {
            var run = _engine.Run($@"
                $orders = @(
                    [pscustomobject]@{{ Phone = '+14155550101'; FirstName = 'Ann'; OrderId = 'A-1' }}
                    [pscustomobject]@{{ Phone = '{SandboxNumbers.Fails}'; FirstName = 'Bob'; OrderId = 'A-2' }}
                    [pscustomobject]@{{ Phone = '4155550103'; FirstName = 'Cat'; OrderId = 'A-3' }}
                    [pscustomobject]@{{ Phone = '+14155550104'; FirstName = 'Dan' }}
                    [pscustomobject]@{{ Phone = '{SandboxNumbers.Undelivered}'; FirstName = 'Eve'; OrderId = 'A-5' }}
                )
                $orders | Send-OctopodsWhatsAppTemplate -TemplateId 1001 -BodyVariableProperty FirstName, OrderId -Wait 2>&1");
            Assert.Equal(5, run.Output.Count);
            // Export-Csv and Select-Object * list properties in this order: the id first, as before the shared base.
            Assert.Equal(new[] { "MessageId", "TemplateId", "PhoneNumber", "Status" }, run.Output[0].Properties.Select(p => p.Name).Take(4));
            var ann = Assert.IsType<WhatsAppSendResult>(run.Output[0].BaseObject);
            Assert.Equal(("1001", "+14155550101", "Delivered", true), (ann.TemplateId, ann.PhoneNumber, ann.Status, ann.IsTerminal));
            Assert.NotNull(ann.DeliveredAt);
            var bob = Assert.IsType<WhatsAppSendResult>(run.Output[1].BaseObject);
            Assert.Equal("Failed", bob.Status);
            Assert.Contains("not a WhatsApp user (131026)", bob.FailureReason);

            var cat = Assert.IsType<ErrorRecord>(run.Output[2].BaseObject);
            Assert.Equal("Octopods.PhoneInvalid", Id(cat));
            Assert.Equal("Cat", ((PSObject)cat.TargetObject).Properties["FirstName"].Value);
            var dan = Assert.IsType<ErrorRecord>(run.Output[3].BaseObject);
            Assert.Equal("Octopods.ArgumentMissing", Id(dan));
            Assert.Contains("no property 'OrderId'", dan.ToString());
            Assert.Equal("Dan", ((PSObject)dan.TargetObject).Properties["FirstName"].Value);

            var eve = Assert.IsType<WhatsAppSendResult>(run.Output[4].BaseObject);
            Assert.Equal("Read", eve.Status);
            Assert.NotNull(eve.ReadAt);
            Assert.Contains(run.Progress, p => p.Activity == "Waiting for WhatsApp delivery");
        }

        [Fact]
        public void Known_template_mismatches_are_the_api_errors_for_that_row_without_a_request()
        {
            var run = _engine.Run(@"
                $phone = '+14155552671'
                Send-OctopodsWhatsAppTemplate -TemplateId 1001 -To $phone -BodyVariable 'only one'
                Send-OctopodsWhatsAppTemplate -TemplateId 1002 -To $phone -BodyVariable a, b, c
                Send-OctopodsWhatsAppTemplate -TemplateId 1002 -To $phone -HeaderVariable Ann -BodyVariable a, b
                Send-OctopodsWhatsAppTemplate -TemplateId 1003 -To $phone -BodyVariable Ann
                Send-OctopodsWhatsAppTemplate -TemplateId 1004 -To $phone -Variables 'A-1'
                Send-OctopodsWhatsAppTemplate -TemplateId 1005 -To $phone -BodyVariable x
                Send-OctopodsWhatsAppTemplate -TemplateId 4242 -To $phone -BodyVariable x
                Send-OctopodsWhatsAppTemplate -TemplateId 1001 -To $phone -BodyVariable a, b -Variables @('a', 'b')
                Get-OctopodsWhatsAppMessage");
            Assert.Empty(run.Output);
            Assert.Equal(new[]
            {
                "Octopods.VariablesSize", "Octopods.VariablesShape", "Octopods.VariablesSize", "Octopods.ArgumentMissing",
                "Octopods.VariablesShape", "Octopods.TemplateNotAccepted", "Octopods.TemplateNotExist", "Octopods.VariablesConflict",
            }, run.Errors.Select(Id));
            Assert.All(run.Errors, e => Assert.Contains(e.CategoryInfo.Category, new[] { ErrorCategory.InvalidArgument, ErrorCategory.ObjectNotFound }));
            Assert.Contains("expects header 1, body 3", run.Errors[2].Exception.Message);
            Assert.Contains("-HeaderAttachmentUrl", run.Errors[3].Exception.Message);
            Assert.Equal("+14155552671", run.Errors[0].TargetObject);
        }

        [Fact]
        public void Sections_raw_variables_and_media_headers_send_when_they_fit()
        {
            var run = _engine.Run(@"
                Send-OctopodsWhatsAppTemplate 1002 +14155552671 -HeaderVariable Ann -BodyVariable Ann, Monday, '10:00' -FooterVariable @()
                Send-OctopodsWhatsAppTemplate -TemplateId 1001 -To +14155552671 -Variables @{ '1' = 'Bo'; '2' = '77' }
                Send-OctopodsWhatsAppTemplate -TemplateId 1001 -To +14155552671 -Variables '[""Cy"", ""88""]'
                Send-OctopodsWhatsAppTemplate -TemplateId 1003 -To +14155552671 -BodyVariable Di -HeaderAttachmentUrl https://cdn.example.com/new.jpg
                [pscustomobject]@{ To = '+14155552672'; Order = 'A-9' } | Send-OctopodsWhatsAppTemplate -TemplateId 1004 -BodyVariableProperty Order -ButtonVariableProperty Order
                Get-OctopodsWhatsAppMessage -Limit 100");
            run.AssertNoErrors();
            Assert.Equal(5, run.All<object>().OfType<WhatsAppSendResult>().Count());
            var history = run.All<object>().OfType<WhatsAppMessage>().ToList();
            Assert.Equal(5, history.Count);
            Assert.Equal("+14155552672", history[0].PhoneNumber);
        }

        [Fact]
        public void Status_wait_keeps_input_order_for_errors_too()
        {
            var run = _engine.Run(@"
                $sent = Send-OctopodsWhatsAppTemplate -TemplateId 1001 -To +14155552671 -BodyVariable Ann, 1
                $sent.MessageId, ' ', $sent.MessageId | Get-OctopodsWhatsAppStatus -Wait 2>&1 | ForEach-Object { $_.GetType().Name }");
            Assert.Equal(new[] { "WhatsAppStatus", "ErrorRecord", "WhatsAppStatus" }, run.Output.Select(o => o.ToString()));
        }

        [Fact]
        public void Status_binds_by_value_and_property_name_and_waits_through_unknown()
        {
            var run = _engine.Run($@"
                $sent = Send-OctopodsWhatsAppTemplate -TemplateId 1001 -To +14155552671 -BodyVariable Ann, 1
                $stuck = Send-OctopodsWhatsAppTemplate -TemplateId 1001 -To {SandboxNumbers.StaysQueued} -BodyVariable Bob, 2
                $now = $sent | Get-OctopodsWhatsAppStatus
                $final = [pscustomobject]@{{ message_id = $sent.MessageId }} | Get-OctopodsWhatsAppStatus -Wait
                $byValue = $sent.MessageId | Get-OctopodsWhatsAppStatus
                $unknown = Get-OctopodsWhatsAppStatus -MessageId $stuck.MessageId -Wait -TimeoutSeconds 20
                $now, $final, $byValue, $unknown");
            run.AssertNoErrors();
            var statuses = run.All<WhatsAppStatus>();
            Assert.Equal(new[] { "Sent", "Delivered", "Delivered", "Unknown" }, statuses.Select(s => s.Status));
            Assert.False(statuses[3].IsTerminal);
            Assert.Contains(run.Warnings, w => w.Contains(statuses[3].MessageId) && w.Contains("20 s") && w.Contains("Get-OctopodsWhatsAppStatus"));
        }

        [Fact]
        public void Message_history_is_empty_not_an_error_for_a_channel_that_never_sent_and_limit_is_checked()
        {
            var run = _engine.Run("Get-OctopodsWhatsAppMessage -Verbose");
            run.AssertNoErrors();
            Assert.Empty(run.Output);
            Assert.Contains(run.Verbose, v => v.Contains("GET /api/v1/whatsapp/messages?limit=100 -> 400"));
            var bad = _engine.Run("Get-OctopodsWhatsAppMessage -Limit 101");
            Assert.Equal("ParameterArgumentValidationError", Id(Assert.Single(bad.Errors)));
        }

        [Fact]
        public void Templates_carry_placeholder_counts_and_filter_by_status_active_and_language()
        {
            var run = _engine.Run(@"
                (Get-OctopodsWhatsAppTemplate).Count
                (Get-OctopodsWhatsAppTemplate -Status accepted).TemplateId -join ','
                (Get-OctopodsWhatsAppTemplate -Active:$false).TemplateId -join ','
                (Get-OctopodsWhatsAppTemplate -Language es).Name
                '1002', '1004' | Get-OctopodsWhatsAppTemplate");
            run.AssertNoErrors();
            Assert.Equal(6, run.Output[0].BaseObject);
            Assert.Equal("1001,1002,1003,1004", run.Output[1].BaseObject);
            Assert.Equal("1005,1006", run.Output[2].BaseObject);
            Assert.Equal("spring_sale", run.Output[3].BaseObject);
            var reminder = (MessageTemplate)run.Output[4].BaseObject;
            Assert.Equal((1, 3, 0, 0, "TEXT"), (reminder.HeaderVariables, reminder.BodyVariables, reminder.FooterVariables, reminder.ButtonVariables, reminder.HeaderFormat));
            Assert.Equal(1, ((MessageTemplate)run.Output[5].BaseObject).ButtonVariables);

            var bad = _engine.Run("Get-OctopodsWhatsAppTemplate -TemplateId 4242; Get-OctopodsWhatsAppTemplate -Status approved");
            Assert.Equal(new[] { "Octopods.TemplateNotExist", "ParameterArgumentValidationError" }, bad.Errors.Select(Id));
        }

        [Fact]
        public void Viber_sends_without_wait_and_lists_its_templates()
        {
            var run = _engine.Run(@"
                Send-OctopodsViberTemplate -TemplateId 2003 -To +14155552671 -HeaderVariable today -BodyVariable '9:00', '11:00' -FooterVariable R-1
                Send-OctopodsViberTemplate -TemplateId 2002 -To +14155552671 -BodyVariable Ann -HeaderImageUrl https://cdn.example.com/week.png
                Send-OctopodsViberTemplate -TemplateId 2002 -To +14155552671 -BodyVariable Ann
                Send-OctopodsViberTemplate -TemplateId 2001 -To +14155552671 -BodyVariable Ann
                (Get-OctopodsViberTemplate).TemplateId -join ','
                (Get-Command Send-OctopodsViberTemplate).Parameters.ContainsKey('Wait')
                (Get-Command Send-OctopodsViberTemplate).Parameters.ContainsKey('ButtonVariable')");
            var results = run.All<object>().OfType<ViberSendResult>().ToList();
            Assert.Equal(2, results.Count);
            Assert.Equal("2003", results[0].TemplateId);
            Assert.Equal(new[] { "Octopods.ArgumentMissing", "Octopods.VariablesSize" }, run.Errors.Select(Id));
            Assert.Contains("-HeaderImageUrl", run.Errors[0].Exception.Message);
            Assert.Equal(new object[] { "2001,2002,2003", false, false }, run.Output.Skip(2).Select(o => o.BaseObject));
        }

        [Fact]
        public void A_deprecated_whatsapp_key_is_error_6_named_per_family()
        {
            var run = _engine.Run($"Connect-Octopods -Sandbox -Channel WhatsApp -ApiKey ([System.Net.NetworkCredential]::new('', '{SandboxKeys.Deprecated}').SecurePassword); " +
                                  "Send-OctopodsWhatsAppTemplate -TemplateId 1001 -To +14155552671 -BodyVariable a, b");
            var error = Assert.Single(run.Errors);
            Assert.Equal("Octopods.DeprecatedApiKey", Id(error));
            Assert.Equal(ErrorCategory.AuthenticationError, error.CategoryInfo.Category);
            Assert.Contains("Octopods WhatsApp error 6", error.Exception.Message);
        }

        [Fact]
        public void TemplateId_tab_completes_from_the_session_connection()
        {
            string[] Complete(string input) => _engine
                .Run("$s = $args[0]; (TabExpansion2 -inputScript $s -cursorColumn $s.Length).CompletionMatches.CompletionText", input)
                .Output.Where(o => o != null).Select(o => o.ToString()).ToArray();

            Assert.Equal(new[] { "1001", "1002", "1003", "1004" }, Complete("Send-OctopodsWhatsAppTemplate -TemplateId "));
            Assert.Equal(new[] { "1001", "1002", "1003", "1004", "1005", "1006" }, Complete("Get-OctopodsWhatsAppTemplate -TemplateId "));
            Assert.Equal(new[] { "1004" }, Complete("Send-OctopodsWhatsAppTemplate -TemplateId track"));
            Assert.Equal(new[] { "2001", "2002", "2003" }, Complete("Send-OctopodsViberTemplate -TemplateId 20"));
            var tooltip = _engine.Run("$s = 'Send-OctopodsWhatsAppTemplate -TemplateId 1002'; (TabExpansion2 -inputScript $s -cursorColumn $s.Length).CompletionMatches[0].ToolTip");
            Assert.Contains("header 1, body 3", tooltip.Output.Single().ToString());

            // Without a connection there is nothing to offer (PowerShell may fall back to file names).
            _engine.Run("Disconnect-Octopods");
            Assert.DoesNotContain("1001", Complete("Send-OctopodsWhatsAppTemplate -TemplateId "));
        }
    }

    /// <summary>The new commands against the emulator on a loopback socket: request bodies, requests spent, key never shown.</summary>
    public sealed class WhatsAppViberLoopbackTests : IAsyncLifetime, IDisposable
    {
        private const string Key = "wa_live_SENTINEL_4c9d1e77";
        private EmulatorServer _server = null!;
        private HostedEngine _engine = null!;

        public async Task InitializeAsync()
        {
            _server = await EmulatorServer.StartAsync(new OctopodsEmulator(Octopods.Time.SystemClock.Instance));
            _engine = new HostedEngine();
            _engine.Run($"Connect-Octopods -Channel WhatsApp, Viber -ApiKey ([System.Net.NetworkCredential]::new('', '{Key}').SecurePassword) -BaseUri {_server.BaseUri}")
                .AssertNoErrors();
        }

        public void Dispose() => _engine?.Dispose();

        public async Task DisposeAsync()
        {
            await _server.DisposeAsync();
        }

        [Fact]
        public void Each_variable_shape_reaches_the_request_body_as_documented()
        {
            var run = _engine.Run(@"
                Send-OctopodsWhatsAppTemplate -TemplateId 1001 -To +14155552671 -BodyVariable Alex, 1234
                Send-OctopodsWhatsAppTemplate -TemplateId 1002 -To +14155552671 -HeaderVariable Ann -BodyVariable a, b, c -DestinationUserName 'Ann Lee' -OpenIntercomConversation -IntercomTeammateId 42
                Send-OctopodsWhatsAppTemplate -TemplateId 1001 -To +14155552671 -Variables ([ordered]@{ '1' = 'Bo'; '2' = 7 })
                Send-OctopodsWhatsAppTemplate -TemplateId 1001 -To +14155552671 -Variables '{""1"":""Cy"",""2"":""8""}'
                [pscustomobject]@{ Mobile = '+14155552673'; template_id = '1003'; header_attachment_url = 'https://cdn.example.com/a.jpg'; First = 'Di'; message_variables = ' ' } |
                    Send-OctopodsWhatsAppTemplate -BodyVariableProperty First");
            run.AssertNoErrors();
            var posts = _server.Bodies.Where(b => b.Length > 0).ToList();
            Assert.Equal(new[]
            {
                "{\"destination_phone\":\"+14155552671\",\"message_variables\":[\"Alex\",\"1234\"]}",
                "{\"destination_phone\":\"+14155552671\",\"message_variables\":{\"header\":[\"Ann\"],\"body\":[\"a\",\"b\",\"c\"],\"footer\":[],\"buttons\":[]},\"destination_user_name\":\"Ann Lee\",\"open_intercom_conversation\":true,\"intercom_teammate_id\":\"42\"}",
                "{\"destination_phone\":\"+14155552671\",\"message_variables\":{\"1\":\"Bo\",\"2\":7}}",
                "{\"destination_phone\":\"+14155552671\",\"message_variables\":{\"1\":\"Cy\",\"2\":\"8\"}}",
                "{\"destination_phone\":\"+14155552673\",\"message_variables\":[\"Di\"],\"header_attachment_url\":\"https://cdn.example.com/a.jpg\"}",
            }, posts);
        }

        [Fact]
        public void A_bulk_send_reads_its_template_once_and_spends_no_post_on_rows_that_cannot_fit()
        {
            var run = _engine.Run(@"
                1..4 | ForEach-Object { [pscustomobject]@{ To = ""+1415555030$_""; A = ""n$_""; B = 'x' } } |
                    ForEach-Object { if ($_.A -eq 'n2') { [pscustomobject]@{ To = $_.To; A = $_.A } } else { $_ } } |
                    Send-OctopodsWhatsAppTemplate -TemplateId 1001 -BodyVariableProperty A, B 2>&1
                [pscustomobject]@{ To = '+14155550309'; A = 'n9' } | Send-OctopodsWhatsAppTemplate -TemplateId 1001 -BodyVariableProperty A 2>&1");
            Assert.Equal(4, run.Output.Count);
            Assert.Equal("Octopods.ArgumentMissing", ((ErrorRecord)run.Output[1].BaseObject).FullyQualifiedErrorId.Split(',')[0]);
            // One column for two placeholders is the command's mistake, not the row's: it stops, naming it once.
            var stopped = Assert.Single(run.Errors, e => e.FullyQualifiedErrorId.StartsWith("Octopods.VariablesSize,", StringComparison.Ordinal));
            Assert.Contains("no row was sent", stopped.Exception.Message);
            var requests = _server.Requests;
            // One lookup per invocation: the second command asks again.
            Assert.Equal(2, requests.Count(r => r.StartsWith("GET /api/v1/whatsapp/templates/1001", StringComparison.Ordinal)));
            Assert.Equal(3, requests.Count(r => r.StartsWith("POST ", StringComparison.Ordinal)));
            Assert.Equal(3, _server.Emulator.Ledger.Count);
        }

        [Fact]
        public void A_template_that_cannot_be_read_is_sent_unchecked_and_verbose_says_so()
        {
            _server.Intercept = async ctx =>
            {
                if (ctx.Request.Method != "GET") return false;
                ctx.Response.StatusCode = 503;
                await Microsoft.AspNetCore.Http.HttpResponseWritingExtensions.WriteAsync(ctx.Response, "busy");
                return true;
            };
            // One variable for a two-placeholder template: unchecked, the service itself refuses it (code 4).
            var run = _engine.Run("Send-OctopodsWhatsAppTemplate -TemplateId 1001 -To +14155552671 -BodyVariable a, b -Verbose; " +
                                  "Send-OctopodsWhatsAppTemplate -TemplateId 1001 -To +14155552671 -BodyVariable a");
            Assert.IsType<WhatsAppSendResult>(run.Output.Single().BaseObject);
            Assert.Contains(run.Verbose, v => v.Contains("sending without checking its variables"));
            var error = Assert.Single(run.Errors);
            Assert.Equal("Octopods.VariablesSize", error.FullyQualifiedErrorId.Split(',')[0]);
            Assert.Contains("Octopods WhatsApp error 4", error.Exception.Message);
            Assert.Equal(2, _server.Requests.Count(r => r.StartsWith("POST ", StringComparison.Ordinal)));
        }

        [Fact]
        public void WhatIf_and_an_inherited_WhatIf_with_Force_post_nothing()
        {
            var run = _engine.Run(@"
                Send-OctopodsWhatsAppTemplate -TemplateId 1001 -To +14155552671 -BodyVariable a, b -WhatIf
                $WhatIfPreference = $true
                Send-OctopodsViberTemplate -TemplateId 2001 -To +14155552671 -BodyVariable a, b -Force");
            run.AssertNoErrors();
            Assert.Empty(run.Output);
            Assert.DoesNotContain(_server.Requests, r => r.StartsWith("POST ", StringComparison.Ordinal));
            Assert.Empty(_server.Emulator.Ledger);
        }

        [Fact]
        public void The_key_appears_in_no_stream_error_output_or_serialisation_of_the_template_commands()
        {
            var run = _engine.Run($@"
                $DebugPreference = 'Continue'
                $sent = Send-OctopodsWhatsAppTemplate -TemplateId 1001 -To +14155552671 -BodyVariable a, b -Verbose -Debug
                Send-OctopodsWhatsAppTemplate -TemplateId 1001 -To +14155552671 -BodyVariable a -Verbose -Debug
                Send-OctopodsWhatsAppTemplate -TemplateId 4242 -To +14155552671 -Verbose
                $sent | Get-OctopodsWhatsAppStatus -Verbose -Debug
                Get-OctopodsWhatsAppStatus -MessageId nope -Verbose
                Get-OctopodsWhatsAppMessage -Verbose -Debug
                Get-OctopodsWhatsAppTemplate -TemplateId 1002 -Verbose -Debug
                Send-OctopodsViberTemplate -TemplateId 2001 -To +14155552671 -BodyVariable a, b -Verbose -Debug
                Send-OctopodsViberTemplate -TemplateId 2001 -To +14155552671 -BodyVariable a, b -ApiKey ([System.Net.NetworkCredential]::new('', '{SandboxKeys.Deprecated}').SecurePassword) -BaseUri {_server.BaseUri}
                Get-OctopodsViberTemplate -Verbose -Debug
                Connect-Octopods -Sandbox -ApiKey ([System.Net.NetworkCredential]::new('', '{Key}').SecurePassword) -PassThru
                Send-OctopodsWhatsAppTemplate -TemplateId 1001 -To +14155552671 -BodyVariable a, b -Wait -Verbose -Debug
                $sent");
            Assert.Contains(_server.Keys, k => k == Key);
            Assert.Contains(run.Debug, d => d.Contains("X-Octopods-Auth: ***"));
            Assert.Equal(new[] { "Octopods.VariablesSize", "Octopods.TemplateNotExist", "Octopods.MessageNotFound", "Octopods.DeprecatedApiKey" },
                run.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]));
            Assert.True(run.Output.Count >= 10, $"only {run.Output.Count} objects");
            var leaks = run.AllText().Where(t => t.Contains(Key) || t.Contains("SENTINEL")).ToList();
            Assert.Empty(leaks);
        }
    }
}

namespace Octopods.PowerShell.Tests
{
    /// <summary>Each template channel takes its own key from its own environment variable.</summary>
    [Collection(ProcessEnvironmentCollection.Name)]
    public class WhatsAppViberEnvironmentKeyTests : IAsyncLifetime
    {
        private static readonly string[] Variables = { "OCTOPODS_WHATSAPP_API_KEY", "OCTOPODS_VIBER_API_KEY", "OCTOPODS_BASE_URI" };
        private EmulatorServer _server = null!;

        public async Task InitializeAsync() => _server = await EmulatorServer.StartAsync(new OctopodsEmulator(Octopods.Time.SystemClock.Instance));

        public async Task DisposeAsync()
        {
            foreach (var name in Variables) Environment.SetEnvironmentVariable(name, null);
            await _server.DisposeAsync();
        }

        [Fact]
        public void Unattended_jobs_take_each_channel_key_from_its_variable()
        {
            Environment.SetEnvironmentVariable("OCTOPODS_WHATSAPP_API_KEY", "wa_env_key");
            Environment.SetEnvironmentVariable("OCTOPODS_VIBER_API_KEY", "vbm_env_key");
            Environment.SetEnvironmentVariable("OCTOPODS_BASE_URI", _server.BaseUri.ToString());
            using var engine = new HostedEngine();
            var run = engine.Run(@"
                Send-OctopodsWhatsAppTemplate -TemplateId 1001 -To +14155552671 -BodyVariable a, b
                Send-OctopodsViberTemplate -TemplateId 2001 -To +14155552671 -BodyVariable a, b
                (Get-OctopodsConnection -Channel WhatsApp, Viber).KeySource");
            run.AssertNoErrors();
            Assert.Equal(new[] { "wa_env_key", "wa_env_key", "vbm_env_key", "vbm_env_key" }, _server.Keys);
            Assert.Equal(new object[] { "Environment", "Environment" }, run.Output.Skip(2).Select(o => o.BaseObject));
            Assert.DoesNotContain(run.AllText(), t => t.Contains("env_key"));
        }

        [Fact]
        public void Without_a_whatsapp_key_the_error_names_the_whatsapp_ways_and_nothing_is_sent()
        {
            foreach (var name in Variables) Environment.SetEnvironmentVariable(name, null);
            using var engine = new HostedEngine();
            engine.Run($"Connect-Octopods -Channel Sms -ApiKey ([System.Net.NetworkCredential]::new('', 'sms_only').SecurePassword) -BaseUri {_server.BaseUri}").AssertNoErrors();
            var run = engine.Run("Send-OctopodsWhatsAppTemplate -TemplateId 1001 -To +14155552671 -BodyVariable a, b");
            var error = Assert.Single(run.Errors);
            Assert.StartsWith("Octopods.NotConnected", error.FullyQualifiedErrorId);
            foreach (var way in new[] { "Connect-Octopods -Channel WhatsApp", "OCTOPODS_WHATSAPP_API_KEY", "Octopods.WhatsApp" })
                Assert.Contains(way, error.Exception.Message);
            Assert.Empty(_server.Requests);
        }
    }
}

using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Text;
using Octopods.Errors;
using Octopods.Http;
using Octopods.Settings;
using Xunit;

namespace Octopods.Tests.Settings
{
    /// <summary>The settings file, the precedence of its values, the client options they make, and the routes' handlers.</summary>
    public sealed class SettingsTests : IDisposable
    {
        private readonly string _folder = Path.Combine(Path.GetTempPath(), "octopods-settings-" + Guid.NewGuid().ToString("N"));
        private string SettingsPath => Path.Combine(_folder, "octopods", "settings.json");

        public void Dispose()
        {
            if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
        }

        private static readonly OctopodsSettings Full = new OctopodsSettings
        {
            BaseUri = "https://api.octopods.io/",
            Proxy = "http://proxy.corp.example:8080/",
            ProxySecretName = "CorpProxy",
            ProxyVault = "Work",
            ProxyBypassList = new[] { "*.corp.example", ".internal.example", "10.*" },
            RequestTimeoutSeconds = 60.5,
            MaxRateLimitRetries = 10,
            MaxRateLimitWaitSeconds = 900,
        };

        private static OctopodsException Refused(Action action) => Assert.Throws<OctopodsException>(action);

        [Fact]
        public void Every_setting_survives_a_round_trip_through_the_file_and_nothing_else_is_written()
        {
            SettingsFile.Save(SettingsPath, Full);

            Assert.Equal(Full, SettingsFile.Load(SettingsPath));
            var text = File.ReadAllText(SettingsPath);
            Assert.Equal(
                "{\n  \"baseUri\": \"https://api.octopods.io/\",\n  \"proxy\": \"http://proxy.corp.example:8080/\",\n  \"proxySecretName\": \"CorpProxy\",\n" +
                "  \"proxyVault\": \"Work\",\n  \"proxyBypassList\": [\n    \"*.corp.example\",\n    \".internal.example\",\n    \"10.*\"\n  ],\n" +
                "  \"requestTimeoutSeconds\": 60.5,\n  \"maxRateLimitRetries\": 10,\n  \"maxRateLimitWaitSeconds\": 900\n}\n",
                text.Replace("\r\n", "\n"));

            var other = new OctopodsSettings { ProxyUseDefaultCredentials = true, Proxy = "System" };
            SettingsFile.Save(SettingsPath, other);
            Assert.Equal(other, SettingsFile.Load(SettingsPath));   // read again at once: the process's cache follows its own writes
            Assert.DoesNotContain("CorpProxy", File.ReadAllText(SettingsPath));
        }

        [Fact]
        public void No_file_is_no_settings_and_saving_nothing_deletes_the_file()
        {
            Assert.Equal(OctopodsSettings.Empty, SettingsFile.Load(SettingsPath));
            SettingsFile.Save(SettingsPath, new OctopodsSettings { MaxRateLimitRetries = 0 });
            Assert.True(File.Exists(SettingsPath));
            SettingsFile.Save(SettingsPath, SettingsFile.Load(SettingsPath).Without(OctopodsSettingName.MaxRateLimitRetries));
            Assert.False(File.Exists(SettingsPath));
            Assert.False(SettingsFile.Delete(SettingsPath));
        }

        [Fact]
        public void A_file_edited_by_hand_is_read_again_and_may_hold_comments_and_any_case()
        {
            SettingsFile.Save(SettingsPath, new OctopodsSettings { RequestTimeoutSeconds = 10 });
            Assert.Equal(10, SettingsFile.Load(SettingsPath).RequestTimeoutSeconds);
            File.WriteAllText(SettingsPath, "{\n  // an operator's note\n  \"RequestTimeoutSeconds\": 45,\n  \"PROXY\": \"none\",\n}\n");

            var read = SettingsFile.Load(SettingsPath);
            Assert.Equal(45, read.RequestTimeoutSeconds);
            Assert.Equal("None", read.Proxy);
        }

        [Theory]
        [InlineData("{ \"requestTimeoutSecond\": 60 }", "holds 'requestTimeoutSecond', which is not a setting")]
        [InlineData("{ \"requestTimeoutSeconds\": \"60\" }", "holds 'requestTimeoutSeconds' as something other than a number of seconds")]
        [InlineData("{ \"requestTimeoutSeconds\": -5 }", "A request timeout of -5 s is not possible")]
        [InlineData("{ \"maxRateLimitRetries\": 2.5 }", "holds 'maxRateLimitRetries' as something other than a whole number")]
        [InlineData("{ \"proxy\": \"proxy.corp.example\" }", "The proxy 'proxy.corp.example' is not an absolute http:// or https:// address")]
        [InlineData("{ \"proxyBypassList\": [\"*.corp.example\"] }", "A bypass list applies to a proxy address")]
        [InlineData("{ \"baseUri\": \"http://octopods.example/\" }", "uses plain http to a host that is not loopback")]
        [InlineData("[ 1 ]", "does not hold a JSON object")]
        [InlineData("{ \"proxy\": \"System\", \"Proxy\": \"None\" }", "holds 'proxy' twice")]
        [InlineData("{ \"proxy\": ", "is not valid JSON")]
        public void A_bad_file_is_a_named_error_that_names_the_file_and_what_is_wrong(string content, string problem)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(SettingsPath)!);
            File.WriteAllText(SettingsPath, content);

            var ex = Refused(() => SettingsFile.Load(SettingsPath));

            Assert.Equal(ErrorNames.SettingsFileInvalid, ex.ErrorName);
            Assert.Contains($"The Octopods settings file {SettingsPath} ", ex.Message);
            Assert.Contains(problem, ex.Message);
            // Nothing destructive: the path may name something else by mistake (a reset would delete it).
            Assert.Contains("move it aside", ex.Fix);
            Assert.DoesNotContain("Reset-OctopodsConfiguration", ex.Fix);
        }

        [Fact]
        public void The_settings_file_is_its_owners_only()
        {
            if (OperatingSystem.IsWindows()) return;   // under the profile, the owner-only ACL already applies
            SettingsFile.Save(SettingsPath, Full);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(SettingsPath));
        }

        [Fact]
        public void A_file_far_larger_than_settings_is_not_read()
        {
            Directory.CreateDirectory(Path.GetDirectoryName(SettingsPath)!);
            File.WriteAllText(SettingsPath, "{ \"baseUri\": \"https://api.octopods.io/\" " + new string(' ', 150_000) + "}");
            var ex = Refused(() => SettingsFile.Load(SettingsPath));
            Assert.Equal(ErrorNames.SettingsFileInvalid, ex.ErrorName);
            Assert.Contains("far larger than any settings file", ex.Message);
        }

        [Fact]
        public void A_device_is_never_read_whole_replaced_or_deleted()
        {
            if (OperatingSystem.IsWindows() || !File.Exists("/dev/zero")) return;
            var modes = new[] { "/dev/null", "/dev/zero" }.Select(File.GetUnixFileMode).ToArray();
            Assert.Contains("not an ordinary file", Refused(() => SettingsFile.Load("/dev/zero")).Message);
            Assert.Contains("not an ordinary file", Refused(() => SettingsFile.Save("/dev/null", Full)).Message);
            Assert.Equal(ErrorNames.SettingsFileNotOurs, Refused(() => SettingsFile.Delete("/dev/zero")).ErrorName);
            Assert.Equal(ErrorNames.SettingsFileNotOurs, Refused(() => SettingsFile.Delete("/dev/null")).ErrorName);
            Assert.Equal(modes, new[] { "/dev/null", "/dev/zero" }.Select(File.GetUnixFileMode).ToArray());
            Assert.Empty(Directory.GetFiles("/dev", "null.*.tmp"));
        }

        [Fact]
        public void A_linked_settings_file_is_written_through_its_link()
        {
            if (OperatingSystem.IsWindows()) return;   // links need a privilege there
            var real = Path.Combine(_folder, "dotfiles", "octopods.json");
            Directory.CreateDirectory(Path.GetDirectoryName(real)!);
            File.WriteAllText(real, "{ \"requestTimeoutSeconds\": 30 }");
            Directory.CreateDirectory(Path.GetDirectoryName(SettingsPath)!);
            File.CreateSymbolicLink(SettingsPath, real);

            SettingsFile.Save(SettingsPath, Full);

            Assert.Equal(real, new FileInfo(SettingsPath).LinkTarget);
            Assert.Equal(Full, SettingsFile.Load(real));
            Assert.Equal(Full, SettingsFile.Load(SettingsPath));
        }

        [Theory]
        [InlineData("To,Message\n+14155552671,hello", false)]
        [InlineData("[ 1 ]", false)]
        [InlineData("{ \"requestTimeoutSecond\": 60 }", false)]
        [InlineData("{ \"requestTimeoutSeconds\": -5 }", true)]
        [InlineData("// hand-edited\n{ \"BaseUri\": \"https://api.octopods.io\", }", true)]
        [InlineData("{ }", true)]
        public void Only_a_recognisable_settings_file_is_deleted(string content, bool deleted)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(SettingsPath)!);
            File.WriteAllText(SettingsPath, content);
            if (deleted)
            {
                Assert.True(SettingsFile.Delete(SettingsPath));
                Assert.False(File.Exists(SettingsPath));
                return;
            }
            Assert.Equal(ErrorNames.SettingsFileNotOurs, Refused(() => SettingsFile.Delete(SettingsPath)).ErrorName);
            Assert.Equal(content, File.ReadAllText(SettingsPath));
        }

        [Theory]
        [InlineData(-5)]
        [InlineData(0)]
        [InlineData(3601)]
        [InlineData(double.NaN)]
        public void A_request_timeout_must_be_more_than_zero_and_at_most_an_hour(double seconds)
        {
            var ex = Refused(() => OctopodsSettings.CheckRequestTimeout(seconds));
            Assert.Equal(ErrorNames.SettingOutOfRange, ex.ErrorName);
            Assert.Contains("-RequestTimeoutSeconds 60", ex.Fix);
            Assert.Equal(0.5, OctopodsSettings.CheckRequestTimeout(0.5));
        }

        [Fact]
        public void The_429_limits_have_ranges_with_named_errors()
        {
            Assert.Equal(ErrorNames.SettingOutOfRange, Refused(() => OctopodsSettings.CheckMaxRateLimitRetries(-1)).ErrorName);
            Assert.Equal(ErrorNames.SettingOutOfRange, Refused(() => OctopodsSettings.CheckMaxRateLimitRetries(101)).ErrorName);
            Assert.Equal(ErrorNames.SettingOutOfRange, Refused(() => OctopodsSettings.CheckMaxRateLimitWait(-1)).ErrorName);
            Assert.Equal(ErrorNames.SettingOutOfRange, Refused(() => OctopodsSettings.CheckMaxRateLimitWait(86401)).ErrorName);
            Assert.Equal(0, OctopodsSettings.CheckMaxRateLimitRetries(0));
            Assert.Equal(0, OctopodsSettings.CheckMaxRateLimitWait(0));
        }

        [Theory]
        [InlineData("system", "System")]
        [InlineData(" NONE ", "None")]
        [InlineData("http://proxy.corp.example:8080", "http://proxy.corp.example:8080/")]
        [InlineData("HTTPS://Proxy.Corp.Example", "https://proxy.corp.example/")]
        public void A_proxy_is_System_None_or_an_address_kept_in_one_form(string given, string kept) =>
            Assert.Equal(kept, OctopodsSettings.CheckProxy(given));

        [Theory]
        [InlineData("proxy.corp.example:8080", "is not an absolute http:// or https:// address")]
        [InlineData("socks5://proxy.corp.example:1080", "is not an absolute http:// or https:// address")]
        [InlineData("/relative", "is not an absolute http:// or https:// address")]
        [InlineData("http://ann:secret@proxy.corp.example:8080", "holds a user name or password")]
        [InlineData("http://proxy.corp.example:8080/path", "has a path")]
        public void A_proxy_address_that_cannot_be_used_or_would_keep_a_password_is_refused(string given, string problem)
        {
            var ex = Refused(() => OctopodsSettings.CheckProxy(given));
            Assert.Equal(ErrorNames.ProxyInvalid, ex.ErrorName);
            Assert.Contains(problem, ex.Message);
            Assert.DoesNotContain("secret@", ex.Message);
            Assert.NotNull(ex.Fix);
        }

        [Theory]
        [InlineData("None", null, true, "-Proxy None sends every request directly")]
        [InlineData(null, "CorpProxy", true, "Both a secret and the process's default credentials")]
        [InlineData("System", null, false, "A bypass list applies to a proxy address")]
        public void Proxy_settings_that_make_no_sense_together_are_refused(string? proxy, string? secret, bool useDefault, string problem)
        {
            var settings = new OctopodsSettings
            {
                Proxy = proxy,
                ProxySecretName = secret,
                ProxyUseDefaultCredentials = useDefault,
                ProxyBypassList = useDefault ? null : new[] { "*.corp.example" },
            };
            var ex = Refused(() => settings.Checked());
            Assert.Equal(ErrorNames.ProxyInvalid, ex.ErrorName);
            Assert.Contains(problem, ex.Message);
        }

        [Fact]
        public void A_change_keeps_what_was_not_given_and_no_proxy_drops_its_credential_and_bypass_list()
        {
            var file = new OctopodsSettings
            {
                BaseUri = "https://api.octopods.io/", Proxy = "http://proxy.example:8080/", ProxySecretName = "OctopodsProxy",
                ProxyBypassList = new[] { "*.corp.example" }, RequestTimeoutSeconds = 20,
            };
            var changed = new System.Collections.Generic.List<string>();
            var removed = new System.Collections.Generic.List<string>();
            var after = new SettingsChange { Proxy = "none", MaxRateLimitRetries = 3 }.ApplyTo(file, changed, removed);
            Assert.Equal(OctopodsSettings.NoProxy, after.Proxy);
            Assert.Null(after.ProxySecretName);
            Assert.Null(after.ProxyBypassList);
            Assert.Equal("https://api.octopods.io/", after.BaseUri);   // not given: kept
            Assert.Equal(20, after.RequestTimeoutSeconds);
            Assert.Equal(3, after.MaxRateLimitRetries);
            Assert.Equal(new[] { "Proxy", "MaxRateLimitRetries" }, changed);
            Assert.Equal(new[] { "ProxyCredential", "ProxyBypassList" }, removed);
            // Each value is checked as it is laid over: a bad one is the named error of that setting.
            Assert.Equal(ErrorNames.SettingOutOfRange, Assert.Throws<OctopodsException>(() =>
                new SettingsChange { RequestTimeoutSeconds = 0 }.ApplyTo(file, changed, removed)).ErrorName);
        }

        [Theory]
        [InlineData("settings.json")]
        [InlineData("config/octopods.json")]
        public void A_relative_settings_path_is_refused_naming_the_variable(string configured)
        {
            var ex = Refused(() => SettingsFile.PathFrom(configured));
            Assert.Equal(ErrorNames.SettingsPathRelative, ex.ErrorName);
            Assert.Contains(SettingsFile.PathVariable, ex.Message);
            Assert.Equal(SettingsPath, SettingsFile.PathFrom(SettingsPath));
            Assert.Equal(Path.GetFullPath(SettingsFile.DefaultPath()), SettingsFile.PathFrom("  "));
        }

        [Fact]
        public void The_file_wins_over_the_environment_which_wins_over_the_defaults()
        {
            const string fromEnvironment = "https://environment.example/";

            var defaults = OctopodsConfiguration.Resolve(SettingsPath, OctopodsSettings.Empty, null);
            Assert.Equal(TransportSecurity.DefaultBaseUri, defaults.BaseUri);
            Assert.Equal(SettingSource.Default, defaults.BaseUriSource);
            Assert.Equal(("System", SettingSource.Default), (defaults.Proxy, defaults.ProxySource));
            Assert.Equal(("none", SettingSource.Default), (defaults.ProxyCredential, defaults.ProxyCredentialSource));
            Assert.Equal((30, SettingSource.Default), (defaults.RequestTimeoutSeconds, defaults.RequestTimeoutSource));
            Assert.Equal((5, SettingSource.Default), (defaults.MaxRateLimitRetries, defaults.MaxRateLimitRetriesSource));
            Assert.Equal((300, SettingSource.Default), (defaults.MaxRateLimitWaitSeconds, defaults.MaxRateLimitWaitSource));

            var environment = OctopodsConfiguration.Resolve(SettingsPath, OctopodsSettings.Empty, fromEnvironment);
            Assert.Equal((new Uri(fromEnvironment), SettingSource.Environment), (environment.BaseUri!, environment.BaseUriSource));

            var file = OctopodsConfiguration.Resolve(SettingsPath, Full, fromEnvironment);
            Assert.Equal((new Uri("https://api.octopods.io/"), SettingSource.File), (file.BaseUri!, file.BaseUriSource));
            Assert.Equal(("http://proxy.corp.example:8080/", SettingSource.File), (file.Proxy, file.ProxySource));
            Assert.Equal(("secret 'CorpProxy' in vault 'Work'", SettingSource.File), (file.ProxyCredential, file.ProxyCredentialSource));
            Assert.Equal(new[] { "*.corp.example", ".internal.example", "10.*" }, file.ProxyBypassList);
            Assert.Equal((60.5, SettingSource.File), (file.RequestTimeoutSeconds, file.RequestTimeoutSource));
            Assert.Equal((10, SettingSource.File), (file.MaxRateLimitRetries, file.MaxRateLimitRetriesSource));
            Assert.Equal((900, SettingSource.File), (file.MaxRateLimitWaitSeconds, file.MaxRateLimitWaitSource));
            Assert.Equal(SettingsPath, file.Path);
        }

        [Fact]
        public void A_credential_given_for_the_session_wins_over_the_files_and_shows_only_its_user_name()
        {
            var configuration = OctopodsConfiguration.Resolve(SettingsPath, Full, null, sessionProxyUserName: "corp\\ann");
            Assert.Equal(("PSCredential for 'corp\\ann'", SettingSource.Session), (configuration.ProxyCredential, configuration.ProxyCredentialSource));
            Assert.Null(configuration.ProxySecretName);
            Assert.Equal("corp\\ann", configuration.ProxyUserName);
        }

        [Fact]
        public void An_environment_address_commands_refuse_is_raised_only_when_the_address_is_needed()
        {
            var configuration = OctopodsConfiguration.Resolve(SettingsPath, OctopodsSettings.Empty, "http://octopods.example/");
            Assert.Null(configuration.BaseUri);
            Assert.Equal(SettingSource.Environment, configuration.BaseUriSource);
            Assert.Equal(ErrorNames.InsecureBaseUri, Refused(() => configuration.Address()).ErrorName);
            Assert.Equal(30, configuration.RequestTimeoutSeconds);   // everything else still applies (a sandbox session)
        }

        [Fact]
        public void The_client_options_carry_the_settings_made_once()
        {
            var configuration = OctopodsConfiguration.Resolve(SettingsPath, Full, null);
            var route = configuration.Route();
            var options = configuration.Apply(new OctopodsClientOptions(OctopodsChannel.Sms, new ApiKey("sk_options"), configuration.Address()), route);

            Assert.Equal(TimeSpan.FromSeconds(60.5), options.RequestTimeout);
            Assert.Equal(10, options.MaxRateLimitRetries);
            Assert.Equal(TimeSpan.FromMinutes(15), options.MaxRateLimitWait);
            Assert.Equal(ProxyMode.Address, options.Proxy.Mode);
            Assert.Equal(new Uri("http://proxy.corp.example:8080/"), options.Proxy.Address);
            Assert.Null(options.Proxy.Credentials);   // a secret is read by the cmdlets, on the pipeline thread

            var untouched = new OctopodsClientOptions(OctopodsChannel.Sms, new ApiKey("sk_options"));
            Assert.Equal(OctopodsClientOptions.DefaultRequestTimeout, untouched.RequestTimeout);
            Assert.Same(ProxySettings.System, untouched.Proxy);

            var withDefaults = OctopodsConfiguration.Resolve(SettingsPath, new OctopodsSettings { ProxyUseDefaultCredentials = true }, null);
            Assert.True(withDefaults.RouteWithDefaultCredentials().UsesDefaultCredentials);
            Assert.Equal(ProxyMode.None, OctopodsConfiguration.Resolve(SettingsPath, new OctopodsSettings { Proxy = "None" }, null).Route().Mode);
        }

        [Theory]
        [InlineData("*.corp.example", "mail.corp.example", true)]
        [InlineData("*.corp.example", "corp.example", false)]
        [InlineData(".corp.example", "corp.example", true)]
        [InlineData(".corp.example", "a.b.corp.example", true)]
        [InlineData(".corp.example", "notcorp.example", false)]
        [InlineData("10.*", "10.1.2.3", true)]
        [InlineData("10.*", "110.1.2.3", false)]
        [InlineData("APP.OCTOPODS.IO", "app.octopods.io", true)]
        [InlineData("::1", "[::1]", true)]
        [InlineData("localhost", "127.0.0.1", false)]
        public void Bypass_entries_match_whole_host_names(string entry, string host, bool bypassed) =>
            Assert.Equal(bypassed, ProxySettings.Through(new Uri("http://proxy.corp.example:8080/"), new[] { entry }).IsBypassed(new Uri($"https://{host}/")));

        [Theory]
        [InlineData("http://proxy/")]
        [InlineData("corp example")]
        [InlineData("")]
        public void A_bypass_entry_is_a_host_pattern_not_an_address(string entry) =>
            Assert.Equal(ErrorNames.ProxyInvalid, Refused(() => ProxySettings.CheckBypassEntry(entry)).ErrorName);

        [Fact]
        public void Plain_http_to_loopback_may_not_go_through_a_proxy_on_another_host()
        {
            var local = new Uri("http://127.0.0.1:5000/");
            var remote = ProxySettings.Through(new Uri("http://proxy.corp.example:8080/"));

            var ex = Refused(() => TransportSecurity.CheckRoute(local, remote));
            Assert.Equal(ErrorNames.InsecureBaseUri, ex.ErrorName);
            Assert.Contains("-ProxyBypassList 127.0.0.1", ex.Fix);

            TransportSecurity.CheckRoute(local, ProxySettings.Through(new Uri("http://proxy.corp.example:8080/"), new[] { "127.0.0.1" }));
            TransportSecurity.CheckRoute(local, ProxySettings.Through(new Uri("http://127.0.0.1:3128/")));
            TransportSecurity.CheckRoute(local, ProxySettings.None);
            TransportSecurity.CheckRoute(new Uri("https://app.octopods.io/"), remote);
        }

        [Fact]
        public void Two_routes_never_share_a_handler_and_one_route_always_does()
        {
            var uri = new Uri("https://app.octopods.io/");
            var proxy = new Uri("http://proxy.corp.example:8080/");
            HttpClientCacheFor(ProxySettings.System);
            var through = HttpClientCacheFor(ProxySettings.Through(proxy));

            Assert.NotSame(HttpClientCacheFor(ProxySettings.System), HttpClientCacheFor(ProxySettings.None));
            Assert.NotSame(HttpClientCacheFor(ProxySettings.System), through);
            Assert.Same(through, HttpClientCacheFor(ProxySettings.Through(proxy)));
            Assert.NotSame(through, HttpClientCacheFor(ProxySettings.Through(proxy, new[] { "10.*" })));
            Assert.NotSame(through, HttpClientCacheFor(ProxySettings.Through(new Uri("http://other.corp.example:8080/"))));

            // Credentials: the same user and password share; a rotated password or another user does not.
            var ann = HttpClientCacheFor(ProxySettings.Through(proxy).WithCredentials(new NetworkCredential("ann", "one"), "a"));
            Assert.Same(ann, HttpClientCacheFor(ProxySettings.Through(proxy).WithCredentials(new NetworkCredential("ann", "one"), "b")));
            Assert.NotSame(ann, HttpClientCacheFor(ProxySettings.Through(proxy).WithCredentials(new NetworkCredential("ann", "two"), "a")));
            Assert.NotSame(ann, HttpClientCacheFor(ProxySettings.Through(proxy).WithCredentials(new NetworkCredential("bob", "one"), "a")));
            Assert.NotSame(ann, through);
            Assert.NotSame(HttpClientCacheFor(ProxySettings.System),
                HttpClientCacheFor(ProxySettings.System.WithCredentials(CredentialCache.DefaultNetworkCredentials, "default")));

            // The key names no password.
            Assert.DoesNotContain("one", ProxySettings.Through(proxy).WithCredentials(new NetworkCredential("ann", "one"), "a").CacheKey.Replace("ann", ""));

            System.Net.Http.HttpClient HttpClientCacheFor(ProxySettings route) => HttpClientCache.For(uri, null, route);
        }

        [Fact]
        public void Settings_are_never_a_place_for_a_password()
        {
            // What the file can hold: names and numbers. A PSCredential stays in the session (cmdlet tests).
            var names = Array.ConvertAll(typeof(OctopodsSettings).GetProperties(), p => p.Name);
            Assert.DoesNotContain(names, n => n.Contains("Password", StringComparison.OrdinalIgnoreCase));
            Assert.DoesNotContain(names, n => n.Contains("Key", StringComparison.OrdinalIgnoreCase));
            Assert.DoesNotContain("password", Encoding.UTF8.GetString(Full.ToJson()), StringComparison.OrdinalIgnoreCase);
        }
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using Octopods.Errors;
using Octopods.Http;
using Octopods.Json;

namespace Octopods.Settings
{
    /// <summary>
    /// What the settings file holds (<see cref="SettingsFile"/>): every value optional, absent meaning
    /// "not set here", so the environment or the default applies. Never a key or a password: the
    /// proxy's credentials are only the name of a SecretManagement secret, or the process's default
    /// credentials. The Check methods are the rules for each value, shared by Set-OctopodsConfiguration
    /// and the reading of a file edited by hand.
    /// </summary>
    internal sealed record OctopodsSettings
    {
        public static readonly OctopodsSettings Empty = new OctopodsSettings();

        /// <summary>The words -Proxy takes besides an address.</summary>
        public const string SystemProxy = "System";
        public const string NoProxy = "None";

        public const double MaxRequestTimeoutSeconds = 3600;
        public const int MaxRetries = 100;
        public const double MaxWaitSeconds = 86400;

        /// <summary>The service root, canonical (<see cref="TransportSecurity.ValidateBaseUri"/>).</summary>
        public string? BaseUri { get; init; }

        /// <summary><see cref="SystemProxy"/>, <see cref="NoProxy"/> or a proxy address (canonical, <see cref="ProxySettings.ParseAddress"/>).</summary>
        public string? Proxy { get; init; }

        /// <summary>The SecretManagement secret (a PSCredential) holding the proxy's user name and password.</summary>
        public string? ProxySecretName { get; init; }

        /// <summary>The vault of <see cref="ProxySecretName"/>; absent means the default vault.</summary>
        public string? ProxyVault { get; init; }

        /// <summary>Give the proxy the process's own credentials (Windows sign-in: NTLM or Kerberos).</summary>
        public bool ProxyUseDefaultCredentials { get; init; }

        /// <summary>Hosts reached without the proxy address (<see cref="ProxySettings.CheckBypassEntry"/>).</summary>
        public IReadOnlyList<string>? ProxyBypassList { get; init; }

        public double? RequestTimeoutSeconds { get; init; }
        public int? MaxRateLimitRetries { get; init; }
        public double? MaxRateLimitWaitSeconds { get; init; }

        public bool IsEmpty => Equals(Empty);

        /// <summary>True when <see cref="Proxy"/> is an address rather than System or None (or absent).</summary>
        public bool HasProxyAddress => Proxy != null && !IsWord(Proxy, SystemProxy) && !IsWord(Proxy, NoProxy);

        public bool HasProxyCredential => ProxySecretName != null || ProxyUseDefaultCredentials;

        /// <summary>These settings without <paramref name="name"/> (Reset-OctopodsConfiguration); the proxy takes its bypass list with it.</summary>
        public OctopodsSettings Without(OctopodsSettingName name) => name switch
        {
            OctopodsSettingName.BaseUri => this with { BaseUri = null },
            OctopodsSettingName.Proxy => this with { Proxy = null, ProxyBypassList = null },
            OctopodsSettingName.ProxyCredential => this with { ProxySecretName = null, ProxyVault = null, ProxyUseDefaultCredentials = false },
            OctopodsSettingName.ProxyBypassList => this with { ProxyBypassList = null },
            OctopodsSettingName.RequestTimeout => this with { RequestTimeoutSeconds = null },
            OctopodsSettingName.MaxRateLimitRetries => this with { MaxRateLimitRetries = null },
            OctopodsSettingName.MaxRateLimitWait => this with { MaxRateLimitWaitSeconds = null },
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };

        // ---- The rules for each value ----

        public static string CheckBaseUri(string text) => TransportSecurity.ValidateBaseUri(text).ToString();

        /// <summary>"System" or "None" (any case), or a proxy address, in the form the file keeps.</summary>
        public static string CheckProxy(string text)
        {
            if (IsWord(text, SystemProxy)) return SystemProxy;
            if (IsWord(text, NoProxy)) return NoProxy;
            return ProxySettings.ParseAddress(text).ToString();
        }

        public static double CheckRequestTimeout(double seconds)
        {
            if (seconds > 0 && seconds <= MaxRequestTimeoutSeconds) return seconds;
            throw OutOfRange($"A request timeout of {Show(seconds)} s is not possible: it must be more than 0 and at most {MaxRequestTimeoutSeconds:0} seconds",
                $"Give the seconds one request may take before it is abandoned, e.g. -RequestTimeoutSeconds 60 (the default is {OctopodsClientOptions.DefaultRequestTimeout.TotalSeconds:0}).");
        }

        public static int CheckMaxRateLimitRetries(int count)
        {
            if (count >= 0 && count <= MaxRetries) return count;
            throw OutOfRange($"{count} retries after HTTP 429 is not possible: it must be from 0 (never retry) to {MaxRetries}",
                $"Give how many 429 answers in a row a call sits out before it fails, e.g. -MaxRateLimitRetries 10 (the default is {OctopodsClientOptions.DefaultMaxRateLimitRetries}).");
        }

        public static double CheckMaxRateLimitWait(double seconds)
        {
            if (seconds >= 0 && seconds <= MaxWaitSeconds) return seconds;
            throw OutOfRange($"A longest wait of {Show(seconds)} s for HTTP 429 is not possible: it must be from 0 to {MaxWaitSeconds:0} seconds (a day)",
                $"Give the longest pause a 429 may ask for before the call fails instead, e.g. -MaxRateLimitWaitSeconds 600 (the default is {OctopodsClientOptions.DefaultMaxRateLimitWait.TotalSeconds:0}).");
        }

        /// <summary>The proxy settings that make sense only together: a bypass list needs an address, credentials a proxy.</summary>
        public void CheckProxyCombination()
        {
            if (ProxyBypassList is { Count: > 0 } && !HasProxyAddress)
            {
                throw ProxyConflict($"A bypass list applies to a proxy address, and the proxy is {(Proxy == null ? "the system's (the default)" : Proxy)}",
                    "Give the address with it (-Proxy http://proxy.corp.example:8080 -ProxyBypassList ...); the system proxy keeps its own list (NO_PROXY, or Internet Options on Windows).");
            }
            if (HasProxyCredential && Proxy != null && IsWord(Proxy, NoProxy))
            {
                throw ProxyConflict("Proxy credentials are set, but -Proxy None sends every request directly, to no proxy",
                    "Remove them (Reset-OctopodsConfiguration -Setting ProxyCredential), or give a proxy (-Proxy System, or its address).");
            }
            if (ProxySecretName != null && ProxyUseDefaultCredentials)
            {
                throw ProxyConflict("Both a secret and the process's default credentials are set for the proxy",
                    "Choose one: -ProxySecretName (a PSCredential in a vault) or -ProxyUseDefaultCredentials (your Windows sign-in).");
            }
            if (ProxyVault != null && ProxySecretName == null)
            {
                throw ProxyConflict($"The proxy vault '{ProxyVault}' is set without a secret to read from it",
                    "Give the secret with it: -ProxySecretName OctopodsProxy -ProxyVault " + ProxyVault + ".");
            }
        }

        /// <summary>Every value checked and in canonical form, and the combination checked: what may be written or used.</summary>
        public OctopodsSettings Checked()
        {
            var checkedSettings = this with
            {
                BaseUri = BaseUri == null ? null : CheckBaseUri(BaseUri),
                Proxy = Proxy == null ? null : CheckProxy(Proxy),
                ProxySecretName = Blank(ProxySecretName),
                ProxyVault = Blank(ProxyVault),
                ProxyBypassList = ProxyBypassList is { Count: > 0 } list ? list.Select(ProxySettings.CheckBypassEntry).Distinct(StringComparer.OrdinalIgnoreCase).ToArray() : null,
                RequestTimeoutSeconds = RequestTimeoutSeconds is { } timeout ? CheckRequestTimeout(timeout) : null,
                MaxRateLimitRetries = MaxRateLimitRetries is { } retries ? CheckMaxRateLimitRetries(retries) : null,
                MaxRateLimitWaitSeconds = MaxRateLimitWaitSeconds is { } wait ? CheckMaxRateLimitWait(wait) : null,
            };
            checkedSettings.CheckProxyCombination();
            return checkedSettings;
        }

        // ---- The file's JSON ----

        private static readonly (string Key, OctopodsSettingName Setting)[] Keys =
        {
            ("baseUri", OctopodsSettingName.BaseUri),
            ("proxy", OctopodsSettingName.Proxy),
            ("proxySecretName", OctopodsSettingName.ProxyCredential),
            ("proxyVault", OctopodsSettingName.ProxyCredential),
            ("proxyUseDefaultCredentials", OctopodsSettingName.ProxyCredential),
            ("proxyBypassList", OctopodsSettingName.ProxyBypassList),
            ("requestTimeoutSeconds", OctopodsSettingName.RequestTimeout),
            ("maxRateLimitRetries", OctopodsSettingName.MaxRateLimitRetries),
            ("maxRateLimitWaitSeconds", OctopodsSettingName.MaxRateLimitWait),
        };

        /// <summary>The file's text: one JSON object, indented, holding only the values that are set.</summary>
        public byte[] ToJson()
        {
            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = JsonWriting.Options.Encoder, Indented = true }))
            {
                writer.WriteStartObject();
                if (BaseUri != null) writer.WriteString("baseUri", BaseUri);
                if (Proxy != null) writer.WriteString("proxy", Proxy);
                if (ProxySecretName != null) writer.WriteString("proxySecretName", ProxySecretName);
                if (ProxyVault != null) writer.WriteString("proxyVault", ProxyVault);
                if (ProxyUseDefaultCredentials) writer.WriteBoolean("proxyUseDefaultCredentials", true);
                if (ProxyBypassList is { Count: > 0 })
                {
                    writer.WriteStartArray("proxyBypassList");
                    foreach (var entry in ProxyBypassList) writer.WriteStringValue(entry);
                    writer.WriteEndArray();
                }
                if (RequestTimeoutSeconds is { } timeout) writer.WriteNumber("requestTimeoutSeconds", timeout);
                if (MaxRateLimitRetries is { } retries) writer.WriteNumber("maxRateLimitRetries", retries);
                if (MaxRateLimitWaitSeconds is { } wait) writer.WriteNumber("maxRateLimitWaitSeconds", wait);
                writer.WriteEndObject();
            }
            stream.WriteByte((byte)'\n');
            return stream.ToArray();
        }

        /// <summary>
        /// Reads the file's text; <paramref name="path"/> is for messages. Names are matched in any case,
        /// comments and trailing commas are allowed (people edit the file), an unknown name is an error
        /// (a misspelt proxy setting must not be ignored), and every value is checked.
        /// </summary>
        /// <summary>
        /// Whether <paramref name="text"/> is recognisably a settings file, valid or not: one JSON object
        /// (comments allowed) whose every name is a setting. Only such a file is ever deleted.
        /// </summary>
        public static bool LooksLikeSettings(string text)
        {
            try
            {
                using var document = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
                return document.RootElement.ValueKind == JsonValueKind.Object &&
                       document.RootElement.EnumerateObject().All(p => Keys.Any(k => string.Equals(k.Key, p.Name, StringComparison.OrdinalIgnoreCase)));
            }
            catch (JsonException)
            {
                return false;
            }
        }

        public static OctopodsSettings FromJson(string text, string path)
        {
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            }
            catch (JsonException ex)
            {
                throw FileInvalid(path, $"is not valid JSON ({ex.Message.TrimEnd('.')})", null, ex);
            }
            using (document)
            {
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object) throw FileInvalid(path, "does not hold a JSON object ({ ... })", null);
                var settings = Empty;
                var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                foreach (var property in root.EnumerateObject())
                {
                    var known = Keys.FirstOrDefault(k => string.Equals(k.Key, property.Name, StringComparison.OrdinalIgnoreCase));
                    if (known.Key == null)
                    {
                        throw FileInvalid(path, $"holds '{property.Name}', which is not a setting (the settings are {string.Join(", ", Keys.Select(k => k.Key))})", null);
                    }
                    // JSON lets the last of two win silently; which one the user meant is not known.
                    if (!seen.Add(known.Key))
                        throw FileInvalid(path, $"holds '{known.Key}' twice, and which one is meant is not known", null);
                    var value = property.Value;
                    if (value.ValueKind == JsonValueKind.Null) continue;
                    settings = known.Key switch
                    {
                        "baseUri" => settings with { BaseUri = Text(value, known, path) },
                        "proxy" => settings with { Proxy = Text(value, known, path) },
                        "proxySecretName" => settings with { ProxySecretName = Text(value, known, path) },
                        "proxyVault" => settings with { ProxyVault = Text(value, known, path) },
                        "proxyUseDefaultCredentials" => settings with { ProxyUseDefaultCredentials = Flag(value, known, path) },
                        "proxyBypassList" => settings with { ProxyBypassList = TextList(value, known, path) },
                        "requestTimeoutSeconds" => settings with { RequestTimeoutSeconds = Number(value, known, path) },
                        "maxRateLimitRetries" => settings with { MaxRateLimitRetries = WholeNumber(value, known, path) },
                        _ => settings with { MaxRateLimitWaitSeconds = Number(value, known, path) },
                    };
                }
                try
                {
                    return settings.Checked();
                }
                catch (OctopodsException ex)
                {
                    throw FileInvalid(path, $"holds a setting that cannot be used: {ex.Detail}", ex.Fix + " " + StartAgain, ex);
                }
            }
        }

        private static string Text(JsonElement value, (string Key, OctopodsSettingName Setting) known, string path) =>
            value.ValueKind == JsonValueKind.String && value.GetString()!.Trim().Length > 0
                ? value.GetString()!.Trim()
                : throw WrongType(path, known, "a non-empty string");

        private static bool Flag(JsonElement value, (string Key, OctopodsSettingName Setting) known, string path) =>
            value.ValueKind == JsonValueKind.True || (value.ValueKind == JsonValueKind.False ? false : throw WrongType(path, known, "true or false"));

        private static double Number(JsonElement value, (string Key, OctopodsSettingName Setting) known, string path) =>
            value.ValueKind == JsonValueKind.Number ? value.GetDouble() : throw WrongType(path, known, "a number of seconds");

        private static int WholeNumber(JsonElement value, (string Key, OctopodsSettingName Setting) known, string path) =>
            value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number : throw WrongType(path, known, "a whole number");

        private static string[] TextList(JsonElement value, (string Key, OctopodsSettingName Setting) known, string path)
        {
            if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
                throw WrongType(path, known, "a list of strings ([\"*.corp.example\", \"10.*\"])");
            return value.EnumerateArray().Select(e => e.GetString()!).ToArray();
        }

        private static OctopodsException WrongType(string path, (string Key, OctopodsSettingName Setting) known, string expected) =>
            // The fix cannot be a command that reads this file: they would all stop at the same error.
            FileInvalid(path, $"holds '{known.Key}' as something other than {expected}", null);

        // Nothing destructive: the file may be something else that OCTOPODS_CONFIG_PATH names by mistake.
        private const string StartAgain = "Correct the file named above; or, to start again with every setting at its default, move it aside (Rename-Item).";

        /// <summary>The file's error; <paramref name="fix"/> null says to correct the file or start again.</summary>
        internal static OctopodsException FileInvalid(string path, string problem, string? fix, Exception? inner = null) =>
            new OctopodsException(ErrorNames.SettingsFileInvalid, OctopodsErrorKind.InvalidArgument,
                $"The Octopods settings file {path} {problem}", fix ?? StartAgain, inner);

        // ---- Equality: the bypass list by its entries ----

        public bool Equals(OctopodsSettings? other) =>
            other != null && BaseUri == other.BaseUri && Proxy == other.Proxy && ProxySecretName == other.ProxySecretName &&
            ProxyVault == other.ProxyVault && ProxyUseDefaultCredentials == other.ProxyUseDefaultCredentials &&
            (ProxyBypassList ?? Array.Empty<string>()).SequenceEqual(other.ProxyBypassList ?? Array.Empty<string>()) &&
            RequestTimeoutSeconds == other.RequestTimeoutSeconds && MaxRateLimitRetries == other.MaxRateLimitRetries &&
            MaxRateLimitWaitSeconds == other.MaxRateLimitWaitSeconds;

        public override int GetHashCode() =>
            (BaseUri, Proxy, ProxySecretName, RequestTimeoutSeconds, MaxRateLimitRetries, MaxRateLimitWaitSeconds).GetHashCode();

        private static bool IsWord(string text, string word) => string.Equals(text.Trim(), word, StringComparison.OrdinalIgnoreCase);

        private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text!.Trim();

        private static string Show(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

        private static OctopodsException OutOfRange(string message, string fix) =>
            new OctopodsException(ErrorNames.SettingOutOfRange, OctopodsErrorKind.InvalidArgument, message, fix);

        private static OctopodsException ProxyConflict(string message, string fix) =>
            new OctopodsException(ErrorNames.ProxyInvalid, OctopodsErrorKind.InvalidArgument, message, fix);
    }
}

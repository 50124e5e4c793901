using System;
using System.Linq;
using System.Net.Http.Headers;
using System.Text.Json;
using Xunit;

namespace Octopods.Tests.Contract
{
    /// <summary>What every contract test checks the same way: a request's headers and a JSON body compared by structure.</summary>
    public static class ContractAssert
    {
        /// <summary>
        /// Transport (docs/dev/api-contract.md#transport; docs/dev/api-contract.md#api-overview-and-authentication
        /// "Authenticating requests"): the key in X-Octopods-Auth on every call, JSON asked for, and Content-Type: application/json on a POST
        /// (a charset, if given, must be UTF-8: the bodies are UTF-8). A GET carries no body.
        /// </summary>
        public static void Headers(RecordedRequest request, string expectedKey)
        {
            Assert.Equal(new[] { expectedKey }, request.All("X-Octopods-Auth"));
            Assert.Equal("application/json", request.Header("Accept"));
            if (request.Method == "POST")
            {
                var contentType = MediaTypeHeaderValue.Parse(request.Header("Content-Type") ?? "(none)");
                Assert.Equal("application/json", contentType.MediaType);
                if (contentType.CharSet != null) Assert.Equal("utf-8", contentType.CharSet, ignoreCase: true);
                Assert.Equal(request.Body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), request.Header("Content-Length"));
            }
            else
            {
                Assert.Null(request.Header("Content-Type"));
                Assert.Empty(request.Body);
            }
        }

        /// <summary>
        /// The two JSON texts hold the same value: the same property names (no more, no fewer), the same
        /// JSON kinds (a number is not a string, true is not "true"), arrays in the same order. Property
        /// order and whitespace do not matter.
        /// </summary>
        public static void SameJson(string expected, string actual)
        {
            using var want = JsonDocument.Parse(expected);
            using var got = JsonDocument.Parse(actual);
            var difference = Difference(want.RootElement, got.RootElement, "$");
            Assert.True(difference == null, $"{difference}\nexpected: {expected}\nactual:   {actual}");
        }

        private static string? Difference(JsonElement want, JsonElement got, string path)
        {
            if (want.ValueKind != got.ValueKind) return $"{path}: expected a {want.ValueKind}, got a {got.ValueKind} ({got.GetRawText()})";
            switch (want.ValueKind)
            {
                case JsonValueKind.Object:
                    var wantNames = want.EnumerateObject().Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal).ToList();
                    var gotNames = got.EnumerateObject().Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal).ToList();
                    if (gotNames.Count != gotNames.Distinct(StringComparer.Ordinal).Count()) return $"{path}: a property appears twice: {string.Join(", ", gotNames)}";
                    if (!wantNames.SequenceEqual(gotNames, StringComparer.Ordinal))
                        return $"{path}: expected properties [{string.Join(", ", wantNames)}], got [{string.Join(", ", gotNames)}]";
                    foreach (var property in want.EnumerateObject())
                        if (Difference(property.Value, got.GetProperty(property.Name), path + "." + property.Name) is string inner) return inner;
                    return null;
                case JsonValueKind.Array:
                    var wantItems = want.EnumerateArray().ToList();
                    var gotItems = got.EnumerateArray().ToList();
                    if (wantItems.Count != gotItems.Count) return $"{path}: expected {wantItems.Count} items, got {gotItems.Count}";
                    for (var i = 0; i < wantItems.Count; i++)
                        if (Difference(wantItems[i], gotItems[i], $"{path}[{i}]") is string inner) return inner;
                    return null;
                case JsonValueKind.String:
                    return want.GetString() == got.GetString() ? null : $"{path}: expected \"{want.GetString()}\", got \"{got.GetString()}\"";
                case JsonValueKind.Number:
                    return want.GetDecimal() == got.GetDecimal() ? null : $"{path}: expected {want.GetRawText()}, got {got.GetRawText()}";
                default:
                    return null; // true, false, null: the kind is the value
            }
        }
    }
}

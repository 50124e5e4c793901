using System.Text.Json;

namespace Octopods.Http
{
    /// <summary>A successful answer: its status, the parsed body, and the raw text for callers who need fields we do not map.</summary>
    internal sealed class ApiResponse
    {
        internal ApiResponse(int statusCode, JsonElement root, string body, string? requestId)
        {
            StatusCode = statusCode;
            Root = root;
            Body = body;
            RequestId = requestId;
        }

        public int StatusCode { get; }
        public JsonElement Root { get; }
        public string Body { get; }
        public string? RequestId { get; }
    }
}

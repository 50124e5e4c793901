namespace Octopods.Errors
{
    /// <summary>The parts of an API error answer, with the name and fix the catalog gave it.</summary>
    internal sealed class ApiErrorInfo
    {
        public string Name = "ApiError";
        public OctopodsErrorKind Kind = OctopodsErrorKind.ProtocolError;
        public string Text = "";
        public string? Fix;
        public int? Code;
        public string? RequestId;
        public int? HttpStatus;
        public OctopodsChannel Channel;
    }
}

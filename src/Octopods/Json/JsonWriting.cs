using System;
using System.IO;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Octopods.Json
{
    /// <summary>
    /// How the module writes JSON everywhere (requests, the journal, the sandbox's answers): text as
    /// it is, UTF-8, without escaping non-ASCII letters or emoji into \u sequences.
    /// </summary>
    internal static class JsonWriting
    {
        public static readonly JsonWriterOptions Options = new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

        /// <summary>Whatever <paramref name="write"/> writes, as UTF-8 bytes.</summary>
        public static byte[] Bytes(Action<Utf8JsonWriter> write)
        {
            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream, Options)) write(writer);
            return stream.ToArray();
        }

        /// <summary>One object of the fields <paramref name="writeFields"/> writes, as UTF-8 bytes.</summary>
        public static byte[] JsonObject(Action<Utf8JsonWriter> writeFields) => Bytes(writer =>
        {
            writer.WriteStartObject();
            writeFields(writer);
            writer.WriteEndObject();
        });
    }
}

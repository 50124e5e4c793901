using System;
using System.IO;

namespace Octopods.Files
{
    /// <summary>
    /// Devices (/dev/null, /dev/zero, NUL) open like files: writing to one keeps nothing, reading from
    /// some never ends, and changing one's mode or replacing it harms the system. A path the module
    /// writes must be an ordinary file.
    /// </summary>
    internal static class RegularFile
    {
        /// <summary>
        /// True when <paramref name="stream"/> (opened for writing) is an ordinary file: only one can be
        /// cut to its own length (a device refuses), and doing so changes nothing.
        /// </summary>
        public static bool Is(FileStream stream)
        {
            if (!stream.CanSeek) return false;
            // A device says it is empty: a file with content is ordinary, and is left as it is (not even its time).
            if (stream.Length > 0) return true;
            try
            {
                stream.SetLength(stream.Length);
                return true;
            }
            catch (IOException)
            {
                return false;
            }
        }

        /// <summary>
        /// For a stream opened only to read (it cannot be cut): false for a device that says it is empty
        /// and still gives bytes (/dev/zero, /dev/urandom). An empty device such as /dev/null reads as
        /// the empty file it looks like.
        /// </summary>
        public static bool IsReadable(FileStream stream)
        {
            if (!stream.CanSeek) return false;
            if (stream.Length > 0) return true;
            stream.Seek(0, SeekOrigin.Begin);
            var gives = stream.ReadByte() >= 0;
            stream.Seek(0, SeekOrigin.Begin);
            return !gives;
        }
    }
}

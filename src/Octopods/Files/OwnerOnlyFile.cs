using System;
using System.Runtime.InteropServices;

namespace Octopods.Files
{
    /// <summary>
    /// Files the module creates that hold phone numbers or message data are readable by their owner
    /// only: mode 0600 on Linux and macOS. On Windows a file under the user's profile already has
    /// the profile's owner-only ACL, so nothing is changed there.
    /// </summary>
    internal static class OwnerOnlyFile
    {
        private const uint OwnerReadWrite = 0x180;   // 0600

        // A Unix path is bytes: the name in UTF-8, as .NET itself passes it there, ending in NUL.
        [DllImport("libc", EntryPoint = "chmod", SetLastError = true)]
        private static extern int Chmod(byte[] path, uint mode);

        /// <summary>Restricts <paramref name="path"/> to its owner; false when the platform could not (the file stays as it was).</summary>
        public static bool Restrict(string path)
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) return true;
            try
            {
                return Chmod(System.Text.Encoding.UTF8.GetBytes(path + "\0"), OwnerReadWrite) == 0;
            }
            catch (Exception ex) when (ex is DllNotFoundException || ex is EntryPointNotFoundException)
            {
                return false;
            }
        }
    }
}

using System;
using System.IO;
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

        [DllImport("libc", EntryPoint = "fchmod", SetLastError = true)]
        private static extern int Fchmod(int descriptor, uint mode);

        /// <summary>
        /// Restricts the open file <paramref name="stream"/> to its owner, through its handle: the file
        /// written, never another one a link or a rename put at its path meanwhile. False when the
        /// platform could not (the file stays as it was).
        /// </summary>
        public static bool Restrict(FileStream stream)
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) return true;
            var handle = stream.SafeFileHandle;
            var added = false;
            try
            {
                handle.DangerousAddRef(ref added);
                // On Linux and macOS a file handle is its descriptor.
                return Fchmod(handle.DangerousGetHandle().ToInt32(), OwnerReadWrite) == 0;
            }
            catch (Exception ex) when (ex is DllNotFoundException || ex is EntryPointNotFoundException)
            {
                return false;
            }
            finally
            {
                if (added) handle.DangerousRelease();
            }
        }
    }
}

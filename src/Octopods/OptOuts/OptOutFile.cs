using System;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading;
using Octopods.Errors;
using Octopods.Files;
using Octopods.Settings;

namespace Octopods.OptOuts
{
    /// <summary>
    /// The opt-out list per user, optouts.json beside the per-user settings file (OCTOPODS_CONFIG_PATH
    /// does not move it), or wherever OCTOPODS_OPTOUT_PATH says. Changes are made under the file's lock (a ".lock" file held
    /// exclusively, so two sessions adding at once lose nothing) and written whole, through a
    /// temporary file that replaces it: a reader never sees half a list. Owner-only, as it holds numbers.
    /// </summary>
    internal static class OptOutFile
    {
        public const string PathVariable = "OCTOPODS_OPTOUT_PATH";

        /// <summary>Far larger than any list (about 100 bytes a number): a file past this is not one, and is never read whole.</summary>
        private const long MaxBytes = 256L * 1024 * 1024;

        private static readonly TimeSpan LockPatience = TimeSpan.FromSeconds(15);

        /// <summary>OCTOPODS_OPTOUT_PATH when set (a full path), else optouts.json beside the per-user settings file.</summary>
        public static string CurrentPath()
        {
            var configured = Environment.GetEnvironmentVariable(PathVariable);
            if (string.IsNullOrWhiteSpace(configured)) return Path.Combine(Path.GetDirectoryName(Path.GetFullPath(SettingsFile.DefaultPath()))!, "optouts.json");
            var path = configured!.Trim();
            if (!Path.IsPathRooted(path))
                throw new OctopodsException(ErrorNames.OptOutFileInvalid, OctopodsErrorKind.InvalidArgument,
                    $"{PathVariable} is '{path}', a relative path: it would name another opt-out list in every folder a command runs from; the command stopped before doing anything",
                    $"Set {PathVariable} to a full path, or remove it to use the per-user list.");
            return Path.GetFullPath(path);
        }

        /// <summary>
        /// The list at <paramref name="path"/>, read afresh (once per command). Empty only when there is
        /// certainly no list: no file in a folder this account can see into, or no folder yet. A folder
        /// it cannot look into, or a folder where the file should be, is an error: the list may be there.
        /// </summary>
        public static OptOutList Load(string path)
        {
            if (Directory.Exists(path))
                throw new OctopodsException(ErrorNames.OptOutFileInvalid, OctopodsErrorKind.InvalidArgument,
                    $"The opt-out list {path} is a folder; the command stopped before doing anything",
                    $"Set {PathVariable} to the path of a file, such as {Path.Combine(path, "optouts.json")}, or remove it to use the per-user list.");
            if (!File.Exists(path))
            {
                var folder = Path.GetDirectoryName(path)!;
                if (!Directory.Exists(folder)) return new OptOutList();
                try
                {
                    // Existing, yet no file in it that this account can see: make sure it can look.
                    using (var entries = Directory.EnumerateFileSystemEntries(folder).GetEnumerator()) entries.MoveNext();
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                {
                    throw new OctopodsException(ErrorNames.OptOutFileInvalid, OctopodsErrorKind.InvalidArgument,
                        $"The opt-out list {path} cannot be looked for ({ex.Message.TrimEnd('.')}); the command stopped before doing anything",
                        $"Give this account access to {folder}, or set {PathVariable} to a list it can read.", ex);
                }
                return new OptOutList();
            }
            return Read(path);
        }

        /// <summary>
        /// Reads the list under its lock, lets <paramref name="change"/> change it, and writes it whole
        /// when the change says it changed something. Returns what <paramref name="change"/> returned.
        /// </summary>
        public static T Update<T>(string path, Func<OptOutList, (T Result, bool Changed)> change)
        {
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                using (Hold(path))
                {
                    var list = File.Exists(path) ? Read(path) : new OptOutList();
                    var (result, changed) = change(list);
                    if (changed) Write(path, list);
                    return result;
                }
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw new OctopodsException(ErrorNames.OptOutFileInvalid, OctopodsErrorKind.InvalidArgument,
                    $"The opt-out list {path} cannot be written ({ex.Message.TrimEnd('.')}); nothing was changed",
                    File.Exists(path + ".lock") && ex.GetType() == typeof(IOException)
                        ? "Another session held the list for longer than 15 seconds: run the command again."
                        : $"Check the folder's permissions, or set {PathVariable} to a file you can write.", ex);
            }
        }

        private static OptOutList Read(string path)
        {
            string text;
            try
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                // A device (/dev/zero never ends) or a huge file is no opt-out list.
                if (!RegularFile.IsReadable(stream) || stream.Length > MaxBytes)
                    throw new OctopodsException(ErrorNames.OptOutFileInvalid, OctopodsErrorKind.InvalidArgument,
                        $"{path} is not an ordinary file of a readable size, so it is not taken as the opt-out list; the command stopped before doing anything",
                        $"Point {PathVariable} at the opt-out list, or remove the variable to use the per-user list.");
                using var reader = new StreamReader(stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true);
                text = reader.ReadToEnd();
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw new OctopodsException(ErrorNames.OptOutFileInvalid, OctopodsErrorKind.InvalidArgument,
                    $"The opt-out list {path} cannot be read ({ex.Message.TrimEnd('.')}); the command stopped before doing anything",
                    $"Check the file's permissions, or set {PathVariable} to a file you can read.", ex);
            }
            return OptOutList.FromJson(text, path);
        }

        private static void Write(string path, OptOutList list)
        {
            var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            try
            {
                using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                {
                    // Phone numbers: its owner's only, before a byte is in it.
                    if (!OwnerOnlyFile.Restrict(stream))
                        throw new IOException("its permissions could not be restricted to its owner");
                    var json = list.ToJson();
                    stream.Write(json, 0, json.Length);
                    stream.Flush(flushToDisk: true);
                }
                if (File.Exists(path)) File.Replace(temporary, path, null);
                else File.Move(temporary, path);
            }
            catch
            {
                try { File.Delete(temporary); } catch (IOException) { } catch (UnauthorizedAccessException) { }
                throw;
            }
        }

        /// <summary>The list's lock, held exclusively: other sessions and processes wait their turn.</summary>
        private static FileStream Hold(string path)
        {
            var lockPath = path + ".lock";
            var waited = Stopwatch.StartNew();
            while (true)
            {
                try
                {
                    return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                }
                catch (IOException ex) when (ex.GetType() == typeof(IOException) && File.Exists(lockPath) && waited.Elapsed < LockPatience)
                {
                    Thread.Sleep(5);
                }
            }
        }
    }
}

using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using Octopods.Files;

namespace Octopods.Settings
{
    /// <summary>
    /// The settings file per user: %APPDATA%\Octopods\settings.json on Windows,
    /// $XDG_CONFIG_HOME/octopods/settings.json (~/.config/octopods) elsewhere, or wherever
    /// OCTOPODS_CONFIG_PATH says. Every command reads it; a read parses the file only when it changed.
    /// Writes replace the whole file at once, so a reader never sees half of one.
    /// </summary>
    internal static class SettingsFile
    {
        /// <summary>Overrides where the file is (tests, or a job with settings of its own).</summary>
        public const string PathVariable = "OCTOPODS_CONFIG_PATH";

        private static readonly Dictionary<string, (DateTime WrittenAt, long Length, OctopodsSettings Settings)> Cache =
            new Dictionary<string, (DateTime, long, OctopodsSettings)>(StringComparer.Ordinal);

        /// <summary>OCTOPODS_CONFIG_PATH when set, else <see cref="DefaultPath"/>; always a full path.</summary>
        public static string CurrentPath() => PathFrom(Environment.GetEnvironmentVariable(PathVariable));

        /// <summary>
        /// The settings file <paramref name="configured"/> (OCTOPODS_CONFIG_PATH) names. A relative path is
        /// refused: it would name another file from every folder a job or a session starts in.
        /// </summary>
        public static string PathFrom(string? configured)
        {
            if (string.IsNullOrWhiteSpace(configured)) return Path.GetFullPath(DefaultPath());
            var path = configured!.Trim();
            if (!Path.IsPathRooted(path))
            {
                throw new Errors.OctopodsException(Errors.ErrorNames.SettingsPathRelative, Errors.OctopodsErrorKind.InvalidArgument,
                    $"{PathVariable} is '{path}', a relative path: it would name another settings file in every folder a command runs from",
                    $"Set {PathVariable} to a full path, such as {Path.Combine(Path.GetTempPath(), "octopods", "settings.json")}, or remove it to use the per-user file.");
            }
            return Path.GetFullPath(path);
        }

        /// <summary>The per-user file in the roaming application data folder (XDG config on Linux and macOS).</summary>
        public static string DefaultPath()
        {
            var root = Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData, Environment.SpecialFolderOption.DoNotVerify);
            if (string.IsNullOrEmpty(root)) root = Path.Combine(Path.GetTempPath(), "octopods-" + Environment.UserName);
            var folder = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "Octopods" : "octopods";
            return Path.Combine(root, folder, "settings.json");
        }

        /// <summary>The settings in <paramref name="path"/>; <see cref="OctopodsSettings.Empty"/> when there is no file.</summary>
        public static OctopodsSettings Load(string path)
        {
            lock (Cache)
            {
                var file = new FileInfo(path);
                if (!file.Exists)
                {
                    Cache.Remove(path);
                    return OctopodsSettings.Empty;
                }
                if (Cache.TryGetValue(path, out var cached) && cached.WrittenAt == file.LastWriteTimeUtc && cached.Length == file.Length)
                    return cached.Settings;
                if (file.Length > MaxSettingsBytes)
                    throw OctopodsSettings.FileInvalid(path, $"is {file.Length:N0} bytes, far larger than any settings file ({MaxSettingsBytes / 1024} KB at most), so it was not read",
                        $"If {PathVariable} names another file by mistake, point it at the settings file, or remove the variable to use the per-user file.");
                string text;
                try
                {
                    using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                    // At most a little past the largest settings file: a device such as /dev/zero never ends.
                    text = ReadUpTo(stream, out var whole);
                    if (!whole)
                        throw OctopodsSettings.FileInvalid(path, "is not an ordinary file (a device, say), so it was not read",
                            $"Point {PathVariable} at the settings file, or remove the variable to use the per-user file.");
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                {
                    throw OctopodsSettings.FileInvalid(path, $"cannot be read ({ex.Message})", "Check the file's permissions, or set OCTOPODS_CONFIG_PATH to a file you can read.", ex);
                }
                var settings = OctopodsSettings.FromJson(text, path);
                Cache[path] = (file.LastWriteTimeUtc, file.Length, settings);
                return settings;
            }
        }

        /// <summary>Writes <paramref name="settings"/> (checked) as the whole file; empty settings delete it.</summary>
        public static void Save(string path, OctopodsSettings settings)
        {
            if (settings == null) throw new ArgumentNullException(nameof(settings));
            var content = settings.Checked();
            if (content.IsEmpty)
            {
                Delete(path);
                return;
            }
            lock (Cache)
            {
                // A link is written through to the file it names (replacing it would cut the link), and a
                // device is never replaced by a file (as root that would change the system's /dev/null).
                var target = WriteTarget(path);
                var temporary = target + "." + Guid.NewGuid().ToString("N") + ".tmp";
                try
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                    {
                        // It names proxies and vaults: its owner's only, before a byte is in it (it replaces the file whole).
                        OwnerOnlyFile.Restrict(stream);
                        var json = content.ToJson();
                        stream.Write(json, 0, json.Length);
                    }
                    if (File.Exists(target)) File.Replace(temporary, target, null);
                    else File.Move(temporary, target);
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                {
                    TryDelete(temporary);
                    throw OctopodsSettings.FileInvalid(path, $"cannot be written ({ex.Message}); nothing was changed", "Check the folder's permissions, or set OCTOPODS_CONFIG_PATH to a file you can write.", ex);
                }
                var file = new FileInfo(path);
                Cache[path] = (file.LastWriteTimeUtc, file.Length, content);
            }
        }

        /// <summary>Larger than any settings file: a file past this is not one, and is never read whole.</summary>
        private const int MaxSettingsBytes = 64 * 1024;

        /// <summary>
        /// Deletes the file, only when it is recognisably a settings file (<see cref="OctopodsSettings.LooksLikeSettings"/>):
        /// OCTOPODS_CONFIG_PATH may name a CSV by mistake. False when there was none.
        /// </summary>
        public static bool Delete(string path)
        {
            lock (Cache)
            {
                Cache.Remove(path);
                if (!File.Exists(path)) return false;
                if (!IsSettingsFile(path))
                {
                    throw new Errors.OctopodsException(Errors.ErrorNames.SettingsFileNotOurs, Errors.OctopodsErrorKind.InvalidArgument,
                        $"{path} is not an Octopods settings file (one JSON object of settings), so it was left untouched",
                        $"If {PathVariable} names it by mistake, point it at the settings file, or remove the variable to use the per-user file; then run the command again.");
                }
                try
                {
                    File.Delete(path);
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                {
                    throw OctopodsSettings.FileInvalid(path, $"cannot be deleted ({ex.Message})", "Check the file's permissions.", ex);
                }
                return true;
            }
        }

        private static bool IsSettingsFile(string path)
        {
            try
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                // A device or a huge file is no settings file.
                var text = ReadUpTo(stream, out var whole);
                return whole && OctopodsSettings.LooksLikeSettings(text);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                return false;
            }
        }

        /// <summary>The text of at most <see cref="MaxSettingsBytes"/> bytes (a BOM dropped); <paramref name="whole"/> false when there was more.</summary>
        private static string ReadUpTo(Stream stream, out bool whole)
        {
            var buffer = new byte[MaxSettingsBytes + 1];
            var total = 0;
            for (int read; total < buffer.Length && (read = stream.Read(buffer, total, buffer.Length - total)) > 0;) total += read;
            whole = total <= MaxSettingsBytes;
            return new UTF8Encoding(false).GetString(buffer, 0, Math.Min(total, MaxSettingsBytes)).TrimStart('\uFEFF');
        }

        /// <summary>
        /// The file to replace when saving to <paramref name="path"/>: the file a link names, or the path
        /// itself. Throws when it is not an ordinary file, or is a link that cannot be followed here.
        /// </summary>
        private static string WriteTarget(string path)
        {
            var info = new FileInfo(path);
            if (!info.Exists) return path;
            if ((info.Attributes & FileAttributes.ReparsePoint) != 0)
            {
                // FileSystemInfo.ResolveLinkTarget exists from .NET 6 (PowerShell 7). Where it does not, or the
                // reparse point is no link (OneDrive, deduplication), the file is replaced at its path as before.
                var resolve = typeof(FileSystemInfo).GetMethod("ResolveLinkTarget", new[] { typeof(bool) });
                if (resolve?.Invoke(info, new object[] { true }) is FileSystemInfo target)
                {
                    path = target.FullName;
                    if (!File.Exists(path)) return path;
                }
            }
            try
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
                if (!RegularFile.Is(stream))
                    throw OctopodsSettings.FileInvalid(path, "is not an ordinary file (a device, say); nothing was changed",
                        $"Point {PathVariable} at a settings file, or remove the variable to use the per-user file.");
            }
            catch (UnauthorizedAccessException)
            {
                // A read-only file (devices are writable by all): replacing it is the folder's business, as before.
            }
            catch (IOException ex)
            {
                throw OctopodsSettings.FileInvalid(path, $"cannot be written ({ex.Message}); nothing was changed", "Check the file's permissions, or set OCTOPODS_CONFIG_PATH to a file you can write.", ex);
            }
            return path;
        }

        private static void TryDelete(string path)
        {
            try { File.Delete(path); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }
}

using Portico.Storage;

namespace Portico.Security;

/// <summary>
/// A key-encryption key in a file: one line of base64, readable by Portico's user only. A missing file
/// is created atomically (written under a temporary name with mode 0600, then linked into place without
/// replacing), so instances or a CLI starting together all end up with the one key that won.
/// </summary>
internal static class KeyEncryptionKeyFile
{
    public const string GenerateHint = "head -c 32 /dev/urandom | base64 > FILE && chmod 600 FILE";

    private const UnixFileMode OthersMayAccess = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>The key in <paramref name="path"/>, and whether this call created the file.</summary>
    public static (KeyEncryptionKey Key, bool Created) ReadOrCreate(string path)
    {
        path = Path.GetFullPath(path);
        var created = !File.Exists(path) && TryCreate(path);
        return (Read(path), created);
    }

    public static KeyEncryptionKey Read(string path)
    {
        path = Path.GetFullPath(path);
        string text;
        try
        {
            // Refused rather than warned about: whoever can read this file and a copy of the store can read every secret.
            if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & OthersMayAccess) != 0)
            {
                throw new StoreConfigurationException(
                    $"The key-encryption key file '{path}' may be read by other users (mode {Convert.ToString((int)File.GetUnixFileMode(path), 8)}).",
                    $"Only Portico's user may read it: chmod 600 '{path}'.");
            }

            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StoreConfigurationException($"The key-encryption key file '{path}' cannot be read: {ex.Message}",
                "Restore it from your backup (a new key cannot open the existing key ring), or point Portico:Security:KeyEncryptionKeyFile at it.");
        }

        return KeyEncryptionKey.Parse(text, $"file {path}")
            ?? throw new StoreConfigurationException($"The key-encryption key file '{path}' does not hold 32 bytes of base64.",
                $"Restore the file from your backup; a new store can start with a fresh one: {GenerateHint}.");
    }

    private static bool TryCreate(string path)
    {
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var stream = new FileStream(temporary, options))
            using (var writer = new StreamWriter(stream))
            {
                writer.WriteLine(KeyEncryptionKey.Generate());
                writer.Flush();
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            return false; // another process created it first: everyone uses that one
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StoreConfigurationException($"The key-encryption key file '{path}' cannot be created: {ex.Message}",
                "Check that the store's directory exists and Portico may write to it, or set Portico:Security:KeyEncryptionKeyFile (or KeyEncryptionKey).");
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}

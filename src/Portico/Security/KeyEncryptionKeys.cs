using Microsoft.Extensions.Options;
using Portico.Storage;

namespace Portico.Security;

/// <summary>
/// The key-encryption keys of this process: the current one, which wraps every element of the Data
/// Protection key ring, and previous ones kept only to unwrap elements during a rotation. Resolved once,
/// on first use, from <see cref="SecurityOptions"/>; a setting that cannot be used refuses the start.
/// </summary>
internal sealed class KeyEncryptionKeys(IOptions<SecurityOptions> options, StoreConnection store)
{
    private const string Setting = SecurityOptions.SectionName + ":KeyEncryptionKey";

    private readonly Lazy<(KeyEncryptionKey? Current, IReadOnlyList<KeyEncryptionKey> Previous, string? CreatedFile)> _loaded = new(() => Load(options.Value, store));

    /// <summary>Null only with <see cref="SecurityOptions.AllowUnprotectedKeys"/> and no key configured.</summary>
    public KeyEncryptionKey? Current => _loaded.Value.Current;

    public IReadOnlyList<KeyEncryptionKey> Previous => _loaded.Value.Previous;

    /// <summary>The key file this process created (a new store's first start), to tell the operator to back it up.</summary>
    public string? CreatedFile => _loaded.Value.CreatedFile;

    public KeyEncryptionKey? Find(string id) => Current?.Id == id ? Current : Previous.FirstOrDefault(k => k.Id == id);

    /// <summary>The key file a SQLite store uses when none is configured: beside the database.</summary>
    public static string DefaultFile(StoreConnection store) => store.Display + ".kek";

    private static (KeyEncryptionKey?, IReadOnlyList<KeyEncryptionKey>, string?) Load(SecurityOptions options, StoreConnection store)
    {
        var key = string.IsNullOrWhiteSpace(options.KeyEncryptionKey) ? null : options.KeyEncryptionKey;
        var file = string.IsNullOrWhiteSpace(options.KeyEncryptionKeyFile) ? null : options.KeyEncryptionKeyFile;
        if (key is not null && file is not null)
        {
            throw new StoreConfigurationException($"Both {Setting} and {Setting}File are set.", "Set one of them: the key itself, or the file that holds it.");
        }

        KeyEncryptionKey? current = null;
        string? created = null;
        if (key is not null)
        {
            current = KeyEncryptionKey.Parse(key, "setting " + Setting)
                ?? throw new StoreConfigurationException($"{Setting} is not 32 bytes of base64.", "Generate one with: head -c 32 /dev/urandom | base64");
        }
        else if (file is not null || (!options.AllowUnprotectedKeys && store.Provider == StoreProvider.Sqlite))
        {
            var path = file ?? DefaultFile(store);
            (current, var isNew) = KeyEncryptionKeyFile.ReadOrCreate(path);
            created = isNew ? Path.GetFullPath(path) : null;
        }
        else if (!options.AllowUnprotectedKeys)
        {
            throw new StoreConfigurationException(
                "A PostgreSQL store needs a key-encryption key for its Data Protection key ring; without one, a copy of the database decrypts every stored secret and the token signing key.",
                $"Give every instance and the CLI the same key: Portico__Security__KeyEncryptionKeyFile=/path/portico.kek (created if missing; copy it to the other hosts) "
                + $"or Portico__Security__KeyEncryptionKey=<32 bytes of base64>. Development only: {SecurityOptions.SectionName}:AllowUnprotectedKeys=true.");
        }

        var previous = options.PreviousKeyEncryptionKeys
            .Select((value, i) => KeyEncryptionKey.Parse(value, $"setting {SecurityOptions.SectionName}:PreviousKeyEncryptionKeys:{i}")
                ?? throw new StoreConfigurationException($"{SecurityOptions.SectionName}:PreviousKeyEncryptionKeys:{i} is not 32 bytes of base64.", "List the old keys exactly as they were configured."))
            .Concat(options.PreviousKeyEncryptionKeyFiles.Select(KeyEncryptionKeyFile.Read))
            .Where(k => k.Id != current?.Id)
            .ToList();
        return (current, previous, created);
    }
}

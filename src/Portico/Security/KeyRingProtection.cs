using System.Security.Cryptography;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.EntityFrameworkCore;
using Portico.Storage;

namespace Portico.Security;

/// <summary>
/// Before Data Protection loads the key ring (every server start and every CLI command, under the
/// store's start-up lock): each key's secret is put under the current key-encryption key. Secrets stored
/// unencrypted (a store from before key-encryption keys, or run with AllowUnprotectedKeys) are wrapped,
/// secrets under a previous key are re-wrapped, and the superseded rows are purged from the database
/// files, so a copy of the store taken afterwards opens nothing. A secret under a key this process does
/// not have refuses the start: Data Protection would otherwise treat the key as lost and start a new ring.
/// </summary>
internal sealed partial class KeyRingProtection(IServiceScopeFactory scopes, KeyEncryptionKeys keys, StoreConnection store, ILogger<KeyRingProtection> logger)
{
    private static readonly XNamespace DataProtection = "http://schemas.asp.net/2015/03/dataProtection";
    private static readonly XName EncryptedSecret = DataProtection + "encryptedSecret";
    private static readonly XName RequiresEncryption = DataProtection + "requiresEncryption";

    public async Task PrepareAsync(CancellationToken cancellationToken)
    {
        var current = keys.Current;
        if (keys.CreatedFile is { } created)
        {
            LogCreatedFile(logger, created, current!.Id);
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        var records = await db.Set<DataProtectionKeyRecord>().ToListAsync(cancellationToken);
        var rewrapped = 0;
        var unprotected = 0;
        foreach (var record in records)
        {
            var element = XElement.Parse(record.Xml);
            if (current is null)
            {
                CheckReadable(element);
                unprotected += Plaintext(element).Count;
                continue;
            }

            if (Rewrap(element, current))
            {
                record.Xml = element.ToString(SaveOptions.DisableFormatting);
                rewrapped++;
            }
        }

        if (rewrapped > 0)
        {
            await db.SaveChangesAsync(cancellationToken);
            await PurgeSupersededRowsAsync(db, cancellationToken);
            LogRewrapped(logger, rewrapped, current!.Id);
        }

        if (current is null)
        {
            LogUnprotected(logger, unprotected);
        }
        else
        {
            LogProtected(logger, current.Id, current.Source);
        }
    }

    /// <summary>Puts every secret of one key element under <paramref name="current"/>; true when anything changed.</summary>
    private bool Rewrap(XElement key, KeyEncryptionKey current)
    {
        var changed = false;
        foreach (var secret in key.Descendants(EncryptedSecret).ToList())
        {
            var decryptorType = (string?)secret.Attribute("decryptorType");
            var wrapped = secret.Elements().FirstOrDefault();
            if (wrapped is null)
            {
                continue;
            }

            XElement plain;
            if (KeyRingXmlDecryptor.IsNamedBy(decryptorType))
            {
                if ((string?)wrapped.Attribute(KeyRingXmlEncryptor.KeyIdAttribute) == current.Id)
                {
                    continue;
                }

                plain = Unwrap(wrapped);
            }
            else if (decryptorType?.Split(',')[0].Trim() == typeof(NullXmlDecryptor).FullName)
            {
                plain = new NullXmlDecryptor().Decrypt(wrapped);
            }
            else
            {
                continue; // another protector's element (a certificate, say): Data Protection opens it as before
            }

            secret.ReplaceWith(plain);
            changed = true;
        }

        var encryptor = new KeyRingXmlEncryptor(current);
        foreach (var element in Plaintext(key))
        {
            var info = encryptor.Encrypt(element);
            element.ReplaceWith(new XElement(EncryptedSecret, new XAttribute("decryptorType", info.DecryptorType.AssemblyQualifiedName!), info.EncryptedElement));
            changed = true;
        }

        return changed;
    }

    private static List<XElement> Plaintext(XElement key)
        => [.. key.Descendants().Where(e => (string?)e.Attribute(RequiresEncryption) == "true" && !e.Ancestors(EncryptedSecret).Any())];

    private void CheckReadable(XElement key)
    {
        foreach (var secret in key.Descendants(EncryptedSecret))
        {
            if (KeyRingXmlDecryptor.IsNamedBy((string?)secret.Attribute("decryptorType")) && secret.Elements().FirstOrDefault() is { } wrapped)
            {
                Unwrap(wrapped);
            }
        }
    }

    private XElement Unwrap(XElement wrapped)
    {
        var id = (string?)wrapped.Attribute(KeyRingXmlEncryptor.KeyIdAttribute) ?? "(none)";
        if (keys.Find(id) is null)
        {
            var configured = keys.Current is { } current ? $"it has {current.Id}, from {current.Source}" : "it has none configured";
            throw new StoreConfigurationException(
                $"The Data Protection key ring in the store is wrapped with key-encryption key {id}, which this process does not have ({configured}).",
                "Give every instance and the CLI the key the store was protected with (Portico:Security:KeyEncryptionKeyFile or KeyEncryptionKey; "
                + "beside a SQLite store: its .kek file). While rotating, list the old one under Portico:Security:PreviousKeyEncryptionKeys.");
        }

        try
        {
            return KeyRingXmlDecryptor.Unwrap(wrapped, keys);
        }
        catch (CryptographicException ex)
        {
            throw new StoreConfigurationException($"A Data Protection key in the store cannot be unwrapped with key-encryption key {id}: {ex.Message}",
                "The key ring row was altered, or the key is not the one it was wrapped with: restore the store and its key from the same backup.");
        }
    }

    /// <summary>
    /// The rows just replaced still sit in free pages (SQLite) or as dead tuples (PostgreSQL) of the
    /// database files; rewrite them away so a file copy from now on holds only wrapped secrets.
    /// </summary>
    private async Task PurgeSupersededRowsAsync(PorticoDbContext db, CancellationToken cancellationToken)
    {
        if (store.Provider == StoreProvider.Sqlite)
        {
            await db.Database.ExecuteSqlRawAsync("VACUUM", cancellationToken);
            await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE)", cancellationToken);
        }
        else
        {
            await db.Database.ExecuteSqlRawAsync("VACUUM FULL data_protection_keys", cancellationToken);
        }
    }

    [LoggerMessage(EventId = 120, Level = LogLevel.Warning,
        Message = "Created the key-encryption key file {File} (key {KeyId}). Back it up apart from the store: without it the store's secrets cannot be decrypted, and with it a copy of the store can")]
    private static partial void LogCreatedFile(ILogger logger, string file, string keyId);

    [LoggerMessage(EventId = 121, Level = LogLevel.Information, Message = "Wrapped {Count} Data Protection key(s) with key-encryption key {KeyId}")]
    private static partial void LogRewrapped(ILogger logger, int count, string keyId);

    [LoggerMessage(EventId = 122, Level = LogLevel.Information, Message = "Data Protection key ring protected by key-encryption key {KeyId} ({Source})")]
    private static partial void LogProtected(ILogger logger, string keyId, string source);

    [LoggerMessage(EventId = 123, Level = LogLevel.Warning,
        Message = "No key-encryption key (Portico:Security:AllowUnprotectedKeys): the Data Protection key ring is stored unencrypted ({Count} key secret(s) now), so a copy of the store decrypts every secret. Development only")]
    private static partial void LogUnprotected(ILogger logger, int count);
}

using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Security;

/// <summary>
/// An attacker walks off with a copy of the store (a backup, a disk image, a stolen <c>portico.db</c>)
/// and nothing else. With the stock Data Protection library over the copied key ring they try to decrypt
/// a stored upstream credential and the token signing key: neither opens.
/// </summary>
public sealed class KeyRingAtRestTests
{
    [Fact]
    public async Task A_copy_of_the_store_decrypts_neither_a_stored_upstream_credential_nor_the_token_signing_key()
    {
        await using var server = await PorticoTestServer.StartAsync();
        var copy = await StoreCopy.TakeAsync(server);

        using var attacker = StoreCopy.DataProtectionOver(copy.KeyRing);
        var provider = attacker.GetRequiredService<IDataProtectionProvider>();

        Assert.NotEmpty(copy.KeyRing);
        Assert.ThrowsAny<CryptographicException>(() => copy.UnprotectCredential(provider));
        Assert.ThrowsAny<CryptographicException>(() => copy.UnprotectSigningKey(provider));
    }

    [Fact]
    public async Task A_server_stores_no_key_unencrypted_and_keeps_its_key_file_to_itself()
    {
        var directory = Path.Combine(Path.GetTempPath(), "portico-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            var store = Path.Combine(directory, "portico.db");
            // The default of a SQLite store: no key configured (PostgreSQL runs put one in the environment).
            await using (var server = await PorticoProcess.StartInAsync(directory, store, new Dictionary<string, string?> { [TestStores.KeyEncryptionKeyVariable] = null }))
            {
                Assert.DoesNotContain("No XML encryptor configured", server.Output, StringComparison.Ordinal);
                Assert.DoesNotContain("unencrypted form", server.Output, StringComparison.Ordinal);
            }

            var keyFile = store + ".kek";
            Assert.True(File.Exists(keyFile), "a key file beside the store");
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
            }

            Assert.DoesNotContain("requiresEncryption=\"true\"", string.Join("\n", await StoreCopy.KeyRingAsync(store)), StringComparison.Ordinal);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }
}

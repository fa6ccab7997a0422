using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portico.Cli;
using Portico.Security;
using Portico.Storage;
using Portico.Tests.Cli;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Security;

/// <summary>
/// The key-encryption key (KEK) that wraps the key ring: it opens a copy of the store, a store without a
/// usable one refuses to start (instead of silently starting a new ring), old rings are wrapped and keys rotate.
/// </summary>
public sealed class KeyEncryptionKeyTests
{
    private const string Key = "Portico:Security:KeyEncryptionKey";
    private static readonly byte[] Payload = "protected before"u8.ToArray();

    [Fact]
    public async Task A_copy_of_the_store_with_its_key_encryption_key_decrypts_the_credential_and_the_signing_key()
    {
        await using var server = await PorticoTestServer.StartAsync();
        var copy = await StoreCopy.TakeAsync(server);
        var kek = TestStores.IsPostgres(copy.Store)
            ? new SecurityOptions { KeyEncryptionKey = Environment.GetEnvironmentVariable(TestStores.KeyEncryptionKeyVariable) }
            : new SecurityOptions { KeyEncryptionKeyFile = server.Settings.Store + ".kek" };

        using var holder = StoreCopy.DataProtectionOver(copy.KeyRing, s => s.AddSingleton(new KeyEncryptionKeys(Options.Create(kek), StoreConnection.Parse(copy.Store))));
        var provider = holder.GetRequiredService<IDataProtectionProvider>();

        Assert.Equal(StoreCopy.Secret, copy.UnprotectCredential(provider));
        Assert.Equal(256, copy.UnprotectSigningKey(provider));
    }

    [Fact]
    public async Task A_postgresql_store_without_a_key_encryption_key_refuses_to_start()
    {
        // Without a PostgreSQL server at hand the refusal comes before any connection: nothing listens on port 1.
        var store = TestStores.Postgres is null ? "Host=127.0.0.1;Port=1;Database=portico;Timeout=1" : await TestStores.CreateAsync(Path.GetTempPath());
        try
        {
            var refused = await Assert.ThrowsAsync<StoreConfigurationException>(() => StartAsync(store, new() { [Key] = "" }));
            Assert.Contains("PostgreSQL store needs a key-encryption key", refused.Message, StringComparison.Ordinal);
            Assert.Contains("Portico__Security__KeyEncryptionKeyFile", refused.Hint, StringComparison.Ordinal);

            if (TestStores.Postgres is not null)
            {
                // The development flag lets it start, with the ring stored as before.
                await using var app = await StartAsync(store, new() { [Key] = "", ["Portico:Security:AllowUnprotectedKeys"] = "true" });
                Assert.Contains("requiresEncryption=\"true\"", string.Join("\n", await StoreCopy.KeyRingAsync(store)), StringComparison.Ordinal);
            }
        }
        finally
        {
            await TestStores.DropAsync(store);
        }
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task A_key_file_other_users_may_read_refuses_the_start()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("Unix file modes");
        }

        using var directory = new TempDirectory();
        var store = Path.Combine(directory.Path, "portico.db");
        await File.WriteAllTextAsync(store + ".kek", KeyEncryptionKey.Generate(), TestContext.Current.CancellationToken);
        File.SetUnixFileMode(store + ".kek", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var refused = await Assert.ThrowsAsync<StoreConfigurationException>(() => StartAsync(store, new() { [Key] = "" }));

        Assert.Contains("may be read by other users", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"chmod 600 '{store}.kek'", refused.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unencrypted_key_ring_from_before_is_wrapped_at_the_first_start_with_a_key_and_its_plaintext_is_gone_from_the_store()
    {
        using var directory = new TempDirectory();
        var store = await TestStores.CreateAsync(directory.Path);
        var kek = TestStores.IsPostgres(store) ? KeyEncryptionKey.Generate() : ""; // SQLite: the default key file beside the store
        try
        {
            byte[] protectedPayload;
            string masterKey;
            await using (var before = await StartAsync(store, new() { [Key] = "", ["Portico:Security:AllowUnprotectedKeys"] = "true" }))
            {
                protectedPayload = Protector(before).Protect(Payload);
                masterKey = MasterKeys(await StoreCopy.KeyRingAsync(store)).Single();
            }

            await using (var after = await StartAsync(store, new() { [Key] = kek }))
            {
                Assert.Equal(Payload, Protector(after).Unprotect(protectedPayload));
            }

            var ring = await StoreCopy.KeyRingAsync(store);
            Assert.DoesNotContain(masterKey, string.Join("\n", ring), StringComparison.Ordinal);
            Assert.Contains("wrappedKey", string.Join("\n", ring), StringComparison.Ordinal);
            Assert.Empty(MasterKeys(ring));
            if (!TestStores.IsPostgres(store))
            {
                // Not in a free page of the file either (the replaced row is vacuumed away).
                SqliteConnection.ClearAllPools();
                var bytes = Encoding.ASCII.GetString(await File.ReadAllBytesAsync(store, TestContext.Current.CancellationToken));
                Assert.DoesNotContain(masterKey, bytes, StringComparison.Ordinal);
            }
        }
        finally
        {
            await TestStores.DropAsync(store);
        }
    }

    [Fact]
    public async Task A_rotated_key_encryption_key_rewraps_the_ring_and_the_old_key_alone_no_longer_opens_it()
    {
        using var directory = new TempDirectory();
        var store = await TestStores.CreateAsync(directory.Path);
        var (old, rotated) = (KeyEncryptionKey.Generate(), KeyEncryptionKey.Generate());
        var rotatedId = KeyEncryptionKey.Parse(rotated, "test")!.Id;
        try
        {
            byte[] protectedPayload;
            await using (var first = await StartAsync(store, new() { [Key] = old }))
            {
                protectedPayload = Protector(first).Protect(Payload);
            }

            await using (var rotating = await StartAsync(store, new() { [Key] = rotated, ["Portico:Security:PreviousKeyEncryptionKeys:0"] = old }))
            {
                Assert.Equal(Payload, Protector(rotating).Unprotect(protectedPayload));
            }

            var wrappedWith = (await StoreCopy.KeyRingAsync(store)).SelectMany(x => XElement.Parse(x).Descendants("wrappedKey")).Select(w => (string?)w.Attribute("kek")).ToList();
            Assert.NotEmpty(wrappedWith);
            Assert.All(wrappedWith, id => Assert.Equal(rotatedId, id));

            var refused = await Assert.ThrowsAsync<StoreConfigurationException>(() => StartAsync(store, new() { [Key] = old }));
            Assert.Contains($"wrapped with key-encryption key {rotatedId}", refused.Message, StringComparison.Ordinal);
            Assert.Contains("PreviousKeyEncryptionKeys", refused.Hint, StringComparison.Ordinal);

            await using var rotatedOnly = await StartAsync(store, new() { [Key] = rotated });
            Assert.Equal(Payload, Protector(rotatedOnly).Unprotect(protectedPayload));
        }
        finally
        {
            await TestStores.DropAsync(store);
        }
    }

    [Fact]
    public async Task The_cli_refuses_a_store_whose_key_ring_it_cannot_open_instead_of_starting_a_new_one()
    {
        using var directory = new TempDirectory();
        var store = await TestStores.CreateAsync(directory.Path);
        try
        {
            // The server's key is not the one the CLI finds (the key file beside the store, or the environment on PostgreSQL runs).
            await using (await StartAsync(store, new() { [Key] = KeyEncryptionKey.Generate() }))
            {
            }

            var refused = await CliSandbox.RunOnStoreAsync(store, "tenants", "list", "--json");

            Assert.Equal(2, refused.ExitCode);
            Assert.Contains("which this process does not have", (string?)refused.Json["error"], StringComparison.Ordinal);
            Assert.Contains("Give every instance and the CLI the key", (string?)refused.Json["hint"], StringComparison.Ordinal);
            Assert.Single(await StoreCopy.KeyRingAsync(store));
        }
        finally
        {
            await TestStores.DropAsync(store);
        }
    }

    private static IDataProtector Protector(App app) => app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("Portico.Tests.Kek");

    /// <summary>The unencrypted master keys in key ring XML (what Data Protection writes without an encryptor).</summary>
    private static List<string> MasterKeys(IEnumerable<string> ring)
        => [.. ring.SelectMany(x => XElement.Parse(x).Descendants("masterKey")).Select(e => e.Element("value")!.Value)];

    private static async Task<App> StartAsync(string store, Dictionary<string, string?> settings)
    {
        settings["Portico:Access:SeedDemo"] = "false";
        var app = Program.BuildServer(new ServeSettings { Urls = "http://127.0.0.1:0", Store = store, Configuration = settings });
        try
        {
            await app.StartAsync(TestContext.Current.CancellationToken);
        }
        catch (AggregateException ex) when (ex.InnerExceptions is [StoreConfigurationException inner])
        {
            await app.DisposeAsync();
            throw inner;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return new App(app);
    }

    private sealed class App(Microsoft.AspNetCore.Builder.WebApplication app) : IAsyncDisposable
    {
        public IServiceProvider Services => app.Services;

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
            SqliteConnection.ClearAllPools();
            Npgsql.NpgsqlConnection.ClearAllPools();
        }
    }

    private sealed class TempDirectory : IDisposable
    {
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "portico-tests", Guid.NewGuid().ToString("N"));

        public TempDirectory() => Directory.CreateDirectory(Path);

        public void Dispose()
        {
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}

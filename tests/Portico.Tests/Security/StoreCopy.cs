using System.Data.Common;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Portico.Access;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Security;

/// <summary>What a copy of a store holds: its key ring and two protected secrets (an upstream credential, a signing key).</summary>
internal sealed record StoreCopy(string Store, IReadOnlyList<string> KeyRing, string Upstream, string OwnerKind, string OwnerId, byte[] Credential, byte[] SigningKey)
{
    public const string Secret = "upstream-secret-4711";

    /// <summary>
    /// Stores a credential (admin API) and creates the signing key (JWKS), then copies the store the way an
    /// operator backs it up: <c>VACUUM INTO</c> a new SQLite file, or (PostgreSQL) the database itself read as a dump would.
    /// </summary>
    public static async Task<StoreCopy> TakeAsync(PorticoTestServer server)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var admin = await server.AdminAsync(a => a.CreateKeyAsync(PorticoTestServer.UserEmail, "admin", null, new HashSet<string> { Scopes.Admin }, null, test: true, CancellationToken.None));
        using (var client = server.CreateClient(admin.Plaintext))
        {
            using var added = await client.PostAsJsonAsync("/admin/api/upstreams",
                new { name = "vault", url = "http://127.0.0.1:9/mcp", credentialMode = "user", credentialHeader = "X-Api-Key" }, cancellationToken);
            Assert.True(added.IsSuccessStatusCode, await added.Content.ReadAsStringAsync(cancellationToken));
            using var set = await client.PutAsJsonAsync("/admin/api/upstreams/vault/credentials/me", new { secret = Secret }, cancellationToken);
            Assert.True(set.IsSuccessStatusCode, await set.Content.ReadAsStringAsync(cancellationToken));
            using var jwks = await client.GetAsync("/oauth/jwks", cancellationToken);
            Assert.True(jwks.IsSuccessStatusCode);
        }

        var copy = server.Settings.Store;
        if (!TestStores.IsPostgres(copy))
        {
            copy = Path.Combine(server.Directory, "stolen-copy.db");
            await using var connection = new SqliteConnection($"Data Source={server.Settings.Store}");
            await connection.OpenAsync(cancellationToken);
            await using var vacuum = connection.CreateCommand();
            vacuum.CommandText = $"VACUUM INTO '{copy}'";
            await vacuum.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var db = Open(copy);
        await db.OpenAsync(cancellationToken);
        var (upstream, kind, owner, credential) = await SingleAsync(db, "SELECT upstream, owner_kind, owner_id, secret FROM upstream_credentials",
            r => (r.GetString(0), r.GetString(1), r.GetString(2), (byte[])r[3]));
        var signingKey = await SingleAsync(db, "SELECT private_key FROM oauth_signing_keys", r => (byte[])r[0]);
        return new StoreCopy(copy, await KeyRingAsync(copy), upstream, kind, owner, credential, signingKey);
    }

    /// <summary>The key ring's XML elements, read from the store with plain SQL.</summary>
    public static async Task<IReadOnlyList<string>> KeyRingAsync(string store)
    {
        await using var db = Open(store);
        await db.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = db.CreateCommand();
        command.CommandText = "SELECT xml FROM data_protection_keys ORDER BY id";
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var ring = new List<string>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            ring.Add(reader.GetString(0));
        }

        return ring;
    }

    /// <summary>
    /// The stock Data Protection library over a copied key ring, as an attacker would set it up (application
    /// name "Portico", no key generation of its own); <paramref name="services"/> may add what else they hold.
    /// </summary>
    public static ServiceProvider DataProtectionOver(IReadOnlyList<string> keyRing, Action<IServiceCollection>? services = null)
    {
        var collection = new ServiceCollection();
        collection.AddLogging();
        collection.AddDataProtection().SetApplicationName("Portico").DisableAutomaticKeyGeneration();
        collection.Configure<KeyManagementOptions>(o => o.XmlRepository = new CopiedKeyRing(keyRing));
        services?.Invoke(collection);
        return collection.BuildServiceProvider();
    }

    public string UnprotectCredential(IDataProtectionProvider provider)
        => System.Text.Encoding.UTF8.GetString(provider.CreateProtector("Portico.Gateway.UpstreamCredentials.v1", Upstream, OwnerKind, OwnerId).Unprotect(Credential));

    /// <summary>The signing key's PKCS#8 bytes, proven usable by importing them.</summary>
    public int UnprotectSigningKey(IDataProtectionProvider provider)
    {
        var pkcs8 = provider.CreateProtector("Portico.Identity.SigningKeys").Unprotect(SigningKey);
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportPkcs8PrivateKey(pkcs8, out _);
        return ecdsa.KeySize;
    }

    private static DbConnection Open(string store) => TestStores.IsPostgres(store) ? new NpgsqlConnection(store) : new SqliteConnection($"Data Source={store};Mode=ReadOnly;Pooling=False");

    private static async Task<T> SingleAsync<T>(DbConnection db, string sql, Func<DbDataReader, T> read)
    {
        await using var command = db.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        Assert.True(await reader.ReadAsync(TestContext.Current.CancellationToken), sql);
        return read(reader);
    }

    private sealed class CopiedKeyRing(IReadOnlyList<string> xml) : IXmlRepository
    {
        public IReadOnlyCollection<XElement> GetAllElements() => [.. xml.Select(x => XElement.Parse(x))];

        public void StoreElement(XElement element, string friendlyName) => throw new InvalidOperationException("The copy is read-only.");
    }
}

using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portico.Identity;
using Portico.Storage;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Identity;

/// <summary>The ES256 keys that sign access tokens: protected at rest by Data Protection, rotated, published at /oauth/jwks.</summary>
public sealed class SigningKeyTests
{
    [Fact]
    public async Task The_private_signing_key_is_stored_only_as_a_data_protection_payload()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var (id, secret) = await flow.AddServiceClientAsync();
        var (status, body) = await flow.TokenAsync($"{id}:{secret}", ("grant_type", "client_credentials"));
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        var signing = await server.Services.GetRequiredService<SigningKeys>().GetSigningKeyAsync(ct);
        var privateScalar = signing.ECDsa.ExportParameters(includePrivateParameters: true).D!;
        var pkcs8 = signing.ECDsa.ExportPkcs8PrivateKey();

        // Read the column as stored, through the server's own connection (SQLite or PostgreSQL alike).
        var stored = await ReadStoredKeysAsync(server, ct);

        var (kid, blob) = Assert.Single(stored);
        Assert.Equal(signing.KeyId, kid);
        Assert.Equal(-1, blob.AsSpan().IndexOf(privateScalar));
        Assert.Equal(-1, blob.AsSpan().IndexOf(pkcs8.AsSpan(pkcs8.Length - 32)));
        Assert.DoesNotContain(Convert.ToBase64String(privateScalar), Encoding.Latin1.GetString(blob), StringComparison.Ordinal);
        using (var plain = ECDsa.Create())
        {
            Assert.ThrowsAny<CryptographicException>(() => plain.ImportPkcs8PrivateKey(blob, out _));
        }

        // It is the key ring's payload: the server's protector (and only under this purpose) gives the key back.
        var protection = server.Services.GetRequiredService<IDataProtectionProvider>();
        Assert.Equal(pkcs8.Length, protection.CreateProtector(SigningKeys.ProtectionPurpose).Unprotect(blob).Length);
        using (var restored = ECDsa.Create())
        {
            restored.ImportPkcs8PrivateKey(protection.CreateProtector(SigningKeys.ProtectionPurpose).Unprotect(blob), out _);
            Assert.Equal(privateScalar, restored.ExportParameters(includePrivateParameters: true).D);
        }

        Assert.ThrowsAny<CryptographicException>(() => protection.CreateProtector("another purpose").Unprotect(blob));
    }

    [Fact]
    public async Task After_rotation_the_new_key_signs_the_old_one_still_verifies_and_the_jwks_lists_both_until_it_expires()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var (id, secret) = await flow.AddServiceClientAsync();
        var first = await TokenAsync(flow, id, secret);
        server.Clock.Advance(SigningKeys.RotationPeriod - TimeSpan.FromMinutes(30));
        var beforeRotation = await TokenAsync(flow, id, secret);
        server.Clock.Advance(TimeSpan.FromMinutes(31));

        var afterRotation = await TokenAsync(flow, id, secret);
        var jwks = await KeyIdsAsync(flow);

        Assert.Equal(KeyId(first), KeyId(beforeRotation));
        Assert.NotEqual(KeyId(beforeRotation), KeyId(afterRotation));
        Assert.Equal([KeyId(afterRotation), KeyId(beforeRotation)], jwks);
        // A token signed by the retired key, 31 minutes old, is still good; so is the new one.
        Assert.Equal(HttpStatusCode.OK, (await flow.Mcp(beforeRotation).PostAsync(McpHttp.Initialize())).Status);
        Assert.Equal(HttpStatusCode.OK, (await flow.Mcp(afterRotation).PostAsync(McpHttp.Initialize())).Status);
        await using (var scope = server.Services.CreateAsyncScope())
        {
            var keys = await scope.ServiceProvider.GetRequiredService<PorticoDbContext>().Set<SigningKeyRecord>().AsNoTracking().ToListAsync(TestContext.Current.CancellationToken);
            Assert.Equal(2, keys.Count);
            Assert.NotNull(Assert.Single(keys, k => k.Id == KeyId(beforeRotation)).RetiredAt);
        }

        // One rotation period after it retired, the old key is gone from the JWKS.
        server.Clock.Advance(SigningKeys.RotationPeriod);
        Assert.DoesNotContain(KeyId(beforeRotation), await KeyIdsAsync(flow));
    }

    private static async Task<string> TokenAsync(OAuthFlow flow, string id, string secret)
    {
        var (status, body) = await flow.TokenAsync($"{id}:{secret}", ("grant_type", "client_credentials"));
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        return body["access_token"]!.GetValue<string>();
    }

    private static async Task<List<string>> KeyIdsAsync(OAuthFlow flow)
    {
        var jwks = JsonNode.Parse(await flow.Http.GetStringAsync("/oauth/jwks"))!;
        return [.. jwks["keys"]!.AsArray().Select(k => (string)k!["kid"]!)];
    }

    private static string KeyId(string token) => (string)Jwt.Part(token, 0)["kid"]!;

    private static async Task<List<(string Id, byte[] PrivateKey)>> ReadStoredKeysAsync(PorticoTestServer server, CancellationToken ct)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var connection = scope.ServiceProvider.GetRequiredService<PorticoDbContext>().Database.GetDbConnection();
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, private_key FROM oauth_signing_keys";
        var rows = new List<(string, byte[])>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add((reader.GetString(0), (byte[])reader.GetValue(1)));
        }

        return rows;
    }
}

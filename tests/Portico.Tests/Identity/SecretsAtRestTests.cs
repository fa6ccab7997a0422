using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Portico.Identity;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Identity;

public sealed class SecretsAtRestTests
{
    [Fact]
    public async Task The_database_file_holds_no_password_code_device_or_user_code_refresh_token_client_secret_or_signing_key_in_plain_text()
    {
        // This test reads the SQLite file byte by byte; on PostgreSQL the same code paths are covered by the SQLite run
        // (and SigningKeyTests reads the signing keys through the server's own connection on both).
        Assert.SkipWhen(TestStores.Postgres is not null, "reads the SQLite database file");
        string[] secrets;
        string store;
        await using (var server = await PorticoTestServer.StartAsync(directory: Path.Combine(Path.GetTempPath(), "portico-tests", Guid.NewGuid().ToString("N"))))
        {
            using var flow = await OAuthFlow.StartAsync(server);
            var (id, secret) = await flow.RegisterConfidentialAsync("client_secret_post");
            var code = await flow.GetCodeAsync(id);
            var (_, tokens) = await flow.TokenAsync(("grant_type", "authorization_code"), ("client_id", id), ("client_secret", secret), ("code", code),
                ("code_verifier", flow.Verifier), ("redirect_uri", OAuthFlow.RedirectUri));
            var (_, rotated) = await flow.TokenAsync(("grant_type", "refresh_token"), ("client_id", id), ("client_secret", secret),
                ("refresh_token", tokens["refresh_token"]!.GetValue<string>()));
            var deviceClient = await flow.RegisterDeviceClientAsync();
            var (_, redeemed) = await flow.DeviceAuthorizationAsync(("client_id", deviceClient));
            await flow.AnswerDeviceAsync(redeemed["verification_uri_complete"]!.GetValue<string>());
            var (_, deviceTokens) = await flow.PollDeviceAsync(deviceClient, redeemed["device_code"]!.GetValue<string>());
            var (_, pending) = await flow.DeviceAuthorizationAsync(("client_id", deviceClient));
            await flow.PollDeviceAsync(deviceClient, pending["device_code"]!.GetValue<string>());
            // The access-token signing key: its private scalar as raw bytes and as base64.
            var signing = await server.Services.GetRequiredService<SigningKeys>().GetSigningKeyAsync(CancellationToken.None);
            var privateScalar = signing.ECDsa.ExportParameters(includePrivateParameters: true).D!;
            secrets = [OAuthFlow.Password, secret, code, Encoding.Latin1.GetString(privateScalar), Convert.ToBase64String(privateScalar), tokens["refresh_token"]!.GetValue<string>(), rotated["refresh_token"]!.GetValue<string>(),
                deviceTokens["refresh_token"]!.GetValue<string>(), .. DeviceCodes(redeemed), .. DeviceCodes(pending)];
            store = server.Settings.Store;
        }

        SqliteConnection.ClearAllPools();
        var bytes = Encoding.Latin1.GetString(await File.ReadAllBytesAsync(store));
        var wal = File.Exists(store + "-wal") ? Encoding.Latin1.GetString(await File.ReadAllBytesAsync(store + "-wal")) : "";
        foreach (var value in secrets)
        {
            Assert.DoesNotContain(value, bytes, StringComparison.Ordinal);
            Assert.DoesNotContain(value, wal, StringComparison.Ordinal);
        }

        await using var connection = new SqliteConnection($"Data Source={store}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT password_hash FROM users WHERE password_hash IS NOT NULL";
        var hash = (string)(await command.ExecuteScalarAsync())!;
        Assert.DoesNotContain(OAuthFlow.Password, hash, StringComparison.Ordinal);
        Directory.Delete(Path.GetDirectoryName(store)!, recursive: true);
    }

    /// <summary>The device code, and the user code as shown and as it would be stored if it were not hashed (no dash).</summary>
    private static string[] DeviceCodes(System.Text.Json.Nodes.JsonObject started)
    {
        var userCode = started["user_code"]!.GetValue<string>();
        return [started["device_code"]!.GetValue<string>(), userCode, userCode.Replace("-", "", StringComparison.Ordinal)];
    }
}

using System.Net;
using Microsoft.Data.Sqlite;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Health;

public sealed class HealthTests
{
    [Fact]
    public async Task Health_live_and_ready_answer_ok_on_a_migrated_store()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var client = server.CreateClient();

        Assert.Equal("""{"status":"ok"}""", await client.GetStringAsync("/health"));
        Assert.Equal("""{"status":"ok"}""", await client.GetStringAsync("/health/live"));
        Assert.Equal($$"""{"status":"ok","store":"sqlite","schemaVersion":{{Portico.Storage.StoreMigrations.Latest}}}""", await client.GetStringAsync("/health/ready"));
    }

    [Fact]
    public async Task Ready_is_503_with_the_reason_when_the_store_is_not_migrated()
    {
        await using var server = await PorticoTestServer.StartAsync();
        await using (var connection = new SqliteConnection($"Data Source={server.Settings.Store}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM schema_migrations";
            await command.ExecuteNonQueryAsync();
        }

        using var client = server.CreateClient();
        using var response = await client.GetAsync("/health/ready");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains($"schema is at version 0, expected {Portico.Storage.StoreMigrations.Latest}", body, StringComparison.Ordinal);
        Assert.Equal("""{"status":"ok"}""", await client.GetStringAsync("/health/live"));
    }
}

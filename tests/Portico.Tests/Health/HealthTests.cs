using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portico.Storage;
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
        var provider = TestStores.IsPostgres(server.Settings.Store) ? "postgres" : "sqlite";
        Assert.Equal($$"""{"status":"ok","store":"{{provider}}","schemaVersion":{{StoreMigrations.Latest}}}""", await client.GetStringAsync("/health/ready"));
    }

    [Fact]
    public async Task Ready_is_503_with_the_reason_when_the_store_is_not_migrated()
    {
        await using var server = await PorticoTestServer.StartAsync();
        await using (var scope = server.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<PorticoDbContext>().Database.ExecuteSqlRawAsync("DELETE FROM schema_migrations");
        }

        using var client = server.CreateClient();
        using var response = await client.GetAsync("/health/ready");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains($"schema is at version 0, expected {StoreMigrations.Latest}", body, StringComparison.Ordinal);
        Assert.Equal("""{"status":"ok"}""", await client.GetStringAsync("/health/live"));
    }
}

using Portico.Tests.TestSupport;

namespace Portico.Tests.Storage;

/// <summary>Several instances started at once on an empty store: one migrates, one seeds, one creates the first key.</summary>
public sealed class SimultaneousStartTests
{
    [Fact]
    public async Task Three_instances_started_together_on_an_empty_store_seed_once_and_share_one_key_ring()
    {
        var directory = Directory.CreateTempSubdirectory("portico-simultaneous-").FullName;
        var store = await TestStores.CreateAsync(directory);
        var instances = new List<PorticoProcess>();
        try
        {
            instances.AddRange(await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => PorticoProcess.StartInAsync(directory, store))));

            // Exactly one of them seeded and printed the demo key, and that key works on every instance.
            var printed = instances.Select(i => i.PrintedApiKey).Where(k => k is not null).ToList();
            var key = Assert.Single(printed);
            foreach (var instance in instances)
            {
                using var client = instance.CreateClient(key);
                var mcp = new McpHttp(client);
                var ping = await mcp.CallToolAsync(await mcp.InitializeAsync(), "ping");
                Assert.Contains("\"result\"", ping.Body, StringComparison.Ordinal);
            }

            Assert.Equal(1, await TestStores.ScalarAsync(store, "SELECT COUNT(*) FROM users"));
            Assert.Equal(1, await TestStores.ScalarAsync(store, "SELECT COUNT(*) FROM tenants"));
            Assert.Equal(1, await TestStores.ScalarAsync(store, "SELECT COUNT(*) FROM api_keys"));
            Assert.Equal(1, await TestStores.ScalarAsync(store, "SELECT COUNT(*) FROM data_protection_keys"));
        }
        finally
        {
            foreach (var instance in instances)
            {
                await instance.DisposeAsync();
            }

            await TestStores.DropAsync(store);
            Directory.Delete(directory, recursive: true);
        }
    }
}

using System.Text.Json.Nodes;

namespace Portico.Tests.Tools.Records;

/// <summary>get_model_library_status: each model's state with its entity count (one grouped count in the database), per group.</summary>
public sealed class LibraryStatusTests
{
    [Fact]
    public async Task The_status_counts_each_models_entities_of_the_callers_group_only()
    {
        await using var world = await DataWorld.StartAsync();
        using var alice = await RecordsClient.ConnectAsync(world.Server, world.AliceKey);
        using var bob = await RecordsClient.ConnectAsync(world.Server, world.BobKey);
        foreach (var client in new[] { alice, bob })
        {
            RecordsClient.Ok(await client.CallAsync("import_model", new JsonObject { ["modelId"] = "Industry.Meter-1" }));
            RecordsClient.Ok(await client.CallAsync("import_model", new JsonObject { ["modelId"] = "Basic.Article-1" }));
        }

        for (var i = 0; i < 3; i++)
        {
            RecordsClient.Ok(await alice.CallAsync("create_entity", new JsonObject { ["modelId"] = "Industry.Meter-1", ["attributes"] = new JsonObject { ["site"] = $"s{i}" } }));
        }

        RecordsClient.Ok(await alice.CallAsync("create-record", new JsonObject { ["collection"] = "notes", ["data"] = new JsonObject { ["title"] = "n" } }));
        RecordsClient.Ok(await bob.CallAsync("create_entity", new JsonObject { ["modelId"] = "Industry.Meter-1", ["attributes"] = new JsonObject { ["site"] = "bob's" } }));
        RecordsClient.Ok(await bob.CallAsync("create_entity", new JsonObject { ["modelId"] = "Basic.Article-1", ["attributes"] = new JsonObject { ["title"] = "bob's" } }));

        var status = RecordsClient.Ok(await alice.CallAsync("get_model_library_status"));
        var models = status["models"]!.AsArray().ToDictionary(m => (string)m!["id"]!, m => m!.AsObject());
        Assert.Equal(3, (int)models["Industry.Meter-1"]["entityCount"]!);
        Assert.Equal(0, (int)models["Basic.Article-1"]["entityCount"]!);
        Assert.True((bool)models["Basic.Article-1"]["publishable"]!);
        Assert.Equal("ready", (string?)models["Industry.Meter-1"]["modelState"]);
        Assert.Equal(1, (int)status["untypedRecords"]!);
        Assert.Contains("- Industry.Meter-1: ready (version 1, catalog, 3 entities)", RecordsClient.Text(await alice.CallAsync("get_model_library_status")), StringComparison.Ordinal);

        var ofBob = RecordsClient.Ok(await bob.CallAsync("get_model_library_status"))["models"]!.AsArray().ToDictionary(m => (string)m!["id"]!, m => (int)m!["entityCount"]!);
        Assert.Equal(1, ofBob["Industry.Meter-1"]);
        Assert.Equal(1, ofBob["Basic.Article-1"]);
        RecordsClient.Error(await bob.CallAsync("get_model_library_status", new JsonObject { ["tenantId"] = world.A }), "GROUP_NOT_AVAILABLE");
    }
}

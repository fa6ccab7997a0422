using System.Text.Json.Nodes;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Tools.Records;

/// <summary>A tenant's entities cannot be read, changed, deleted or confirmed to exist from another tenant, by id or by naming the tenant.</summary>
public sealed class EntityIsolationTests
{
    [Fact]
    public async Task A_member_of_B_reaches_none_of_As_entities_and_cannot_act_on_A()
    {
        await using var world = await DataWorld.StartAsync();
        using var alice = await EntityToolsTests.ConnectWithContactsAsync(world.Server, world.AliceKey);
        using var bob = await EntityToolsTests.ConnectWithContactsAsync(world.Server, world.BobKey);
        var ofA = (string)RecordsClient.Ok(await alice.CallAsync("create_entity", new JsonObject { ["modelId"] = "Basic.Contact-1", ["attributes"] = new JsonObject { ["name"] = "alpha-only" } }))["entity"]!["id"]!;
        var neverExisted = "0123456789abcdef01234567";

        foreach (var id in new[] { ofA, neverExisted })
        {
            var calls = new (string Tool, JsonObject Arguments)[]
            {
                ("get_entity", new JsonObject { ["id"] = id }),
                ("update_entity", new JsonObject { ["id"] = id, ["attributes"] = new JsonObject { ["name"] = "overwritten" } }),
                ("delete_entity", new JsonObject { ["id"] = id, ["confirm"] = true }),
                ("bulk_update_entities", new JsonObject { ["items"] = new JsonArray(new JsonObject { ["id"] = id, ["attributes"] = new JsonObject { ["name"] = "overwritten" } }) }),
            };
            foreach (var (tool, arguments) in calls)
            {
                var error = RecordsClient.Error(await bob.CallAsync(tool, arguments), "NOT_FOUND");
                Assert.Equal($"No entity '{id}' in group '{world.B}'.", (string?)error["message"]);
            }
        }

        foreach (var (tool, arguments) in new (string, JsonObject)[]
        {
            ("get_entity", new JsonObject { ["id"] = ofA }),
            ("update_entity", new JsonObject { ["id"] = ofA, ["attributes"] = new JsonObject { ["name"] = "x" } }),
            ("delete_entity", new JsonObject { ["id"] = ofA, ["confirm"] = true }),
            ("create_entity", new JsonObject { ["modelId"] = "Basic.Contact-1", ["attributes"] = new JsonObject { ["name"] = "planted" } }),
        })
        {
            arguments["tenantId"] = world.A;
            RecordsClient.Error(await bob.CallAsync(tool, arguments), "GROUP_NOT_AVAILABLE");
        }

        var kept = RecordsClient.Ok(await alice.CallAsync("get_entity", new JsonObject { ["id"] = ofA }))["entity"]!;
        Assert.Equal(1, (int)kept["version"]!);
        Assert.Equal("alpha-only", (string?)kept["attributes"]!["name"]);
        Assert.Equal(1L, await TestStores.ScalarAsync(world.Server.Settings.Store, $"SELECT COUNT(*) FROM data_entities WHERE tenant_id = '{world.A}'"));
    }

    [Fact]
    public async Task Entities_of_a_model_B_does_not_have_cannot_be_created_in_B_with_As_model_id()
    {
        await using var world = await DataWorld.StartAsync();
        using var alice = await RecordsClient.ConnectAsync(world.Server, world.AliceKey);
        using var bob = await RecordsClient.ConnectAsync(world.Server, world.BobKey);
        RecordsClient.Ok(await alice.CallAsync("define_model", new JsonObject
        {
            ["modelId"] = "Acme.Secret-1",
            ["schema"] = new JsonObject { ["type"] = "object" },
        }));

        RecordsClient.Error(await bob.CallAsync("create_entity", new JsonObject { ["modelId"] = "Acme.Secret-1", ["attributes"] = new JsonObject() }), "NOT_FOUND");
    }
}

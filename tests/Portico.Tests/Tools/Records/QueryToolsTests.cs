using System.Text.Json.Nodes;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Tools.Records;

/// <summary>query_entities and aggregate_entities, run in the database, on the store the suite runs on.</summary>
public sealed class QueryToolsTests
{
    private static readonly (string Site, double? Power, string Status)[] Meters =
    [
        ("north-1", 10, "online"),
        ("north-2", 20.5, "online"),
        ("south-1", 5, "offline"),
        ("south-2", 40, "online"),
        ("east-1", null, "maintenance"),
        ("north-3", 30, "offline"),
    ];

    /// <summary>A client of <paramref name="server"/>'s tenant with Industry.Meter-1 and <see cref="Meters"/>, by site → id.</summary>
    private static async Task<(RecordsClient Client, Dictionary<string, string> Ids)> SeedAsync(PorticoTestServer server, string apiKey = "", string prefix = "")
    {
        var client = await RecordsClient.ConnectAsync(server, apiKey);
        RecordsClient.Ok(await client.CallAsync("import_model", new JsonObject { ["modelId"] = "Industry.Meter-1" }));
        var ids = new Dictionary<string, string>();
        foreach (var (site, power, status) in Meters)
        {
            server.Clock.Advance(TimeSpan.FromMilliseconds(10));
            var attributes = new JsonObject { ["site"] = prefix + site, ["status"] = status };
            if (power is { } p)
            {
                attributes["power"] = p;
            }

            ids[site] = (string)RecordsClient.Ok(await client.CallAsync("create_entity", new JsonObject { ["modelId"] = "Industry.Meter-1", ["attributes"] = attributes }))["entity"]!["id"]!;
        }

        return (client, ids);
    }

    private static async Task<List<string>> SitesAsync(RecordsClient client, JsonObject arguments)
    {
        arguments["modelId"] ??= "Industry.Meter-1";
        var result = RecordsClient.Ok(await client.CallAsync("query_entities", arguments));
        return [.. result["entities"]!.AsArray().Select(e => (string)e!["attributes"]!["site"]!)];
    }

    private static JsonObject Where(string path, string op, JsonNode? value)
        => new() { ["filter"] = new JsonArray(new JsonObject { ["attributePath"] = path, ["op"] = op, ["value"] = value }) };

    [Fact]
    public async Task Each_operator_filters_in_the_database()
    {
        await using var server = await PorticoTestServer.StartAsync();
        var (client, _) = await SeedAsync(server);
        using var _ = client;

        static List<string> Sorted(IEnumerable<string> sites) => [.. sites.Order(StringComparer.Ordinal)];
        Assert.Equal(["north-1", "north-2", "south-2"], Sorted(await SitesAsync(client, Where("status", "eq", "online"))));
        Assert.Equal(["east-1", "north-3", "south-1"], Sorted(await SitesAsync(client, Where("status", "ne", "online"))));
        Assert.Equal(["north-3", "south-2"], Sorted(await SitesAsync(client, Where("power", "gt", 20.5))));
        Assert.Equal(["north-2", "north-3", "south-2"], Sorted(await SitesAsync(client, Where("power", "gte", 20.5))));
        Assert.Equal(["south-1"], Sorted(await SitesAsync(client, Where("power", "lt", 10))));
        Assert.Equal(["north-1", "south-1"], Sorted(await SitesAsync(client, Where("power", "lte", 10))));
        Assert.Equal(["north-1"], Sorted(await SitesAsync(client, Where("power", "eq", 10))));
        Assert.Equal(["east-1", "south-1"], Sorted(await SitesAsync(client, Where("site", "in", new JsonArray("south-1", "east-1", "nowhere")))));
        Assert.Equal(["north-1", "north-2", "north-3"], Sorted(await SitesAsync(client, Where("site", "contains", "north"))));
        Assert.Equal(["east-1"], Sorted(await SitesAsync(client, Where("power", "exists", false))));
        Assert.Equal(5, (await SitesAsync(client, Where("power", "exists", true))).Count);
        Assert.Equal(["south-1", "south-2"], Sorted(await SitesAsync(client, Where("site", "gte", "south"))));
        // A string value never matches a number attribute, and a missing attribute matches nothing but ne.
        Assert.Empty(await SitesAsync(client, Where("power", "eq", "10")));
        Assert.Empty(await SitesAsync(client, Where("nothing.here", "eq", "x")));
        Assert.Equal(6, (await SitesAsync(client, Where("nothing.here", "ne", "x"))).Count);

        var both = new JsonObject
        {
            ["filter"] = new JsonArray(
                new JsonObject { ["attributePath"] = "status", ["op"] = "eq", ["value"] = "online" },
                new JsonObject { ["attributePath"] = "power", ["op"] = "gt", ["value"] = 15 }),
        };
        Assert.Equal(["north-2", "south-2"], Sorted(await SitesAsync(client, both)));
    }

    [Fact]
    public async Task Sorting_by_an_attribute_pages_through_every_match_once_with_the_cursor()
    {
        await using var server = await PorticoTestServer.StartAsync();
        var (client, _) = await SeedAsync(server);
        using var _ = client;

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var arguments = new JsonObject { ["modelId"] = "Industry.Meter-1", ["sort"] = new JsonObject { ["attributePath"] = "power", ["direction"] = "desc" }, ["limit"] = 2 };
            if (cursor is not null)
            {
                arguments["cursor"] = cursor;
            }

            var page = RecordsClient.Ok(await client.CallAsync("query_entities", arguments));
            seen.AddRange(page["entities"]!.AsArray().Select(e => (string)e!["attributes"]!["site"]!));
            cursor = (string?)page["nextCursor"];
            pages++;
        }
        while (cursor is not null);

        // east-1 has no power: sorting by power leaves it out.
        Assert.Equal(["south-2", "north-3", "north-2", "north-1", "south-1"], seen);
        Assert.Equal(3, pages);
        Assert.Equal(["south-1", "north-1", "north-2"], await SitesAsync(client, new JsonObject { ["sort"] = new JsonObject { ["attributePath"] = "power" }, ["limit"] = 3 }));
        Assert.Equal(["north-3", "east-1"], await SitesAsync(client, new JsonObject { ["limit"] = 2 }));

        var newest = RecordsClient.Ok(await client.CallAsync("query_entities", new JsonObject { ["modelId"] = "Industry.Meter-1", ["limit"] = 4 }));
        var rest = RecordsClient.Ok(await client.CallAsync("query_entities", new JsonObject { ["modelId"] = "Industry.Meter-1", ["limit"] = 4, ["cursor"] = (string)newest["nextCursor"]! }));
        Assert.Equal(["north-2", "north-1"], rest["entities"]!.AsArray().Select(e => (string)e!["attributes"]!["site"]!));
        Assert.Null(rest["nextCursor"]);

        // A cursor of another sort, or a tampered one, is refused rather than misread.
        var other = RecordsClient.Error(await client.CallAsync("query_entities", new JsonObject { ["modelId"] = "Industry.Meter-1", ["cursor"] = (string)newest["nextCursor"]!, ["sort"] = new JsonObject { ["attributePath"] = "power" } }), "VALIDATION_FAILED");
        Assert.Equal("cursor", (string?)other["details"]!["path"]);
        RecordsClient.Error(await client.CallAsync("query_entities", new JsonObject { ["modelId"] = "Industry.Meter-1", ["cursor"] = "eyJzIjoiYScgT1IgMT0xIn0" }), "VALIDATION_FAILED");
    }

    [Fact]
    public async Task Aggregates_group_in_the_database_with_default_and_given_aliases()
    {
        await using var server = await PorticoTestServer.StartAsync();
        var (client, _) = await SeedAsync(server);
        using var _ = client;

        var byStatus = RecordsClient.Ok(await client.CallAsync("aggregate_entities", new JsonObject
        {
            ["modelId"] = "Industry.Meter-1",
            ["aggregations"] = new JsonArray(
                new JsonObject { ["function"] = "count" },
                new JsonObject { ["function"] = "sum", ["attributePath"] = "power" },
                new JsonObject { ["function"] = "avg", ["attributePath"] = "power" },
                new JsonObject { ["function"] = "min", ["attributePath"] = "power" },
                new JsonObject { ["function"] = "max", ["attributePath"] = "power", ["alias"] = "peak" },
                new JsonObject { ["function"] = "distinct", ["attributePath"] = "site" },
                new JsonObject { ["function"] = "count", ["attributePath"] = "power" }),
            ["groupByAttributePaths"] = new JsonArray("status"),
        }))["groups"]!.AsArray();

        Assert.Equal(["maintenance", "offline", "online"], byStatus.Select(g => (string)g!["group"]!["status"]!));
        var online = byStatus.Single(g => (string?)g!["group"]!["status"] == "online")!["values"]!;
        Assert.Equal(3, (long)online["count"]!);
        Assert.Equal(70.5, (double)online["sum_power"]!, 6);
        Assert.Equal(23.5, (double)online["avg_power"]!, 6);
        Assert.Equal(10, (double)online["min_power"]!, 6);
        Assert.Equal(40, (double)online["peak"]!, 6);
        Assert.Equal(3, (long)online["distinct_site"]!);
        var maintenance = byStatus.Single(g => (string?)g!["group"]!["status"] == "maintenance")!["values"]!;
        Assert.Equal(0, (long)maintenance["count_power"]!);
        Assert.Null(maintenance["avg_power"]);

        var filtered = RecordsClient.Ok(await client.CallAsync("aggregate_entities", new JsonObject
        {
            ["modelId"] = "Industry.Meter-1",
            ["filter"] = new JsonArray(new JsonObject { ["attributePath"] = "site", ["op"] = "contains", ["value"] = "north" }),
            ["aggregations"] = new JsonArray(new JsonObject { ["function"] = "count" }),
        }))["groups"]!.AsArray();
        Assert.Equal(3, (long)Assert.Single(filtered)!["values"]!["count"]!);
    }

    [Theory]
    [InlineData("""{}""", "Aggregation requires at least one column")]
    [InlineData("""{"aggregations":[]}""", "Aggregation requires at least one column")]
    [InlineData("""{"aggregations":[{"function":"avg","attributePath":"power"},{"function":"avg","attributePath":"power"}]}""", "Aggregation alias 'avg_power' is not unique")]
    [InlineData("""{"aggregations":[{"function":"count"},{"function":"sum","attributePath":"power","alias":"count"}]}""", "Aggregation alias 'count' is not unique")]
    [InlineData("""{"aggregations":[{"function":"count"}],"groupByAttributePaths":["site","site"]}""", "groupBy paths must be non-empty / contain no duplicates")]
    [InlineData("""{"aggregations":[{"function":"count"}],"groupByAttributePaths":[""]}""", "groupBy paths must be non-empty / contain no duplicates")]
    [InlineData("""{"aggregations":[{"function":"count"}],"groupByAttributePaths":[null]}""", "groupBy paths must be non-empty / contain no duplicates")]
    public async Task Aggregation_arguments_are_refused_up_front_with_the_seeds_messages(string arguments, string message)
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var client = await RecordsClient.ConnectAsync(server);
        var call = JsonNode.Parse(arguments)!.AsObject();
        call["modelId"] = "Industry.Meter-1";

        // Checked before the model is even looked up: this group has no models at all.
        var error = RecordsClient.Error(await client.CallAsync("aggregate_entities", call), "VALIDATION_FAILED");

        Assert.Equal(message, (string?)error["message"]);
        Assert.False(string.IsNullOrEmpty((string?)error["hint"]));
    }

    [Theory]
    [InlineData("site') OR 1=1 --")]
    [InlineData("$.site")]
    [InlineData("site[0]")]
    [InlineData("site..x")]
    [InlineData("a.b.c.d.e.f.g.h.i")]
    [InlineData("site\"")]
    [InlineData("")]
    [InlineData("sité")]
    public async Task A_hostile_attribute_path_is_refused_before_any_SQL_runs(string path)
    {
        await using var server = await PorticoTestServer.StartAsync();
        var (client, _) = await SeedAsync(server);
        using var _ = client;

        foreach (var (tool, arguments) in new (string, JsonObject)[]
        {
            ("query_entities", Where(path, "eq", "x")),
            ("query_entities", new JsonObject { ["sort"] = new JsonObject { ["attributePath"] = path } }),
            ("aggregate_entities", new JsonObject { ["aggregations"] = new JsonArray(new JsonObject { ["function"] = "sum", ["attributePath"] = path }) }),
            ("aggregate_entities", new JsonObject { ["aggregations"] = new JsonArray(new JsonObject { ["function"] = "count" }), ["groupByAttributePaths"] = new JsonArray(path) }),
        })
        {
            arguments["modelId"] = "Industry.Meter-1";
            var error = RecordsClient.Error(await client.CallAsync(tool, arguments), "VALIDATION_FAILED");
            Assert.NotNull(error["details"]!["path"]);
        }

        Assert.Equal(6L, await TestStores.ScalarAsync(server.Settings.Store, "SELECT COUNT(*) FROM data_entities"));
    }

    [Theory]
    [InlineData("' OR '1'='1")]
    [InlineData("x'); DROP TABLE data_entities; --")]
    [InlineData("\"}, \"site\": {\"$ne\": 1}}")]
    [InlineData("%")]
    [InlineData("_")]
    public async Task A_hostile_value_is_only_ever_data(string value)
    {
        await using var server = await PorticoTestServer.StartAsync();
        var (client, _) = await SeedAsync(server);
        using var _ = client;

        Assert.Empty(await SitesAsync(client, Where("site", "eq", value)));
        Assert.Empty(await SitesAsync(client, Where("site", "contains", value)));
        Assert.Empty(await SitesAsync(client, Where("site", "in", new JsonArray(value))));
        Assert.Equal(6, (await SitesAsync(client, Where("site", "ne", value))).Count);
        Assert.Equal(6L, await TestStores.ScalarAsync(server.Settings.Store, "SELECT COUNT(*) FROM data_entities"));
    }

    [Fact]
    public async Task A_NUL_character_is_refused_up_front_on_both_stores_in_values_and_attributes()
    {
        await using var server = await PorticoTestServer.StartAsync();
        var (client, ids) = await SeedAsync(server);
        using var _ = client;

        var query = Where("site", "eq", "north-1\u0000");
        query["modelId"] = "Industry.Meter-1";
        Assert.Equal("filter[0].value", (string?)RecordsClient.Error(await client.CallAsync("query_entities", query), "VALIDATION_FAILED")["details"]!["path"]);
        var create = RecordsClient.Error(await client.CallAsync("create_entity", new JsonObject { ["modelId"] = "Industry.Meter-1", ["attributes"] = new JsonObject { ["site"] = "a\u0000b" } }), "VALIDATION_FAILED");
        Assert.Equal("attributes", (string?)create["details"]!["path"]);
        RecordsClient.Error(await client.CallAsync("create-record", new JsonObject { ["collection"] = "notes", ["data"] = new JsonObject { ["k\u0000"] = 1 } }), "VALIDATION_FAILED");
        RecordsClient.Error(await client.CallAsync("update_entity", new JsonObject { ["id"] = ids["north-1"], ["attributes"] = new JsonObject { ["site"] = "\u0000" } }), "VALIDATION_FAILED");

        // The tenant's queries keep working.
        Assert.Equal(6, (await SitesAsync(client, new JsonObject())).Count);
    }

    [Fact]
    public async Task Queries_and_aggregates_see_only_the_callers_tenant()
    {
        await using var world = await DataWorld.StartAsync();
        var (alice, _) = await SeedAsync(world.Server, world.AliceKey, "alpha-");
        var (bob, _) = await SeedAsync(world.Server, world.BobKey, "beta-");
        using var a = alice;
        using var b = bob;

        Assert.All(await SitesAsync(bob, Where("site", "contains", "-")), s => Assert.StartsWith("beta-", s, StringComparison.Ordinal));
        Assert.Empty(await SitesAsync(bob, Where("site", "contains", "alpha")));
        var count = RecordsClient.Ok(await bob.CallAsync("aggregate_entities", new JsonObject { ["modelId"] = "Industry.Meter-1", ["aggregations"] = new JsonArray(new JsonObject { ["function"] = "count" }) }));
        Assert.Equal(6, (long)count["groups"]![0]!["values"]!["count"]!);

        RecordsClient.Error(await bob.CallAsync("query_entities", new JsonObject { ["modelId"] = "Industry.Meter-1", ["tenantId"] = world.A }), "GROUP_NOT_AVAILABLE");
        RecordsClient.Error(await bob.CallAsync("aggregate_entities", new JsonObject { ["modelId"] = "Industry.Meter-1", ["tenantId"] = world.A, ["aggregations"] = new JsonArray(new JsonObject { ["function"] = "count" }) }), "GROUP_NOT_AVAILABLE");

        // A cursor made in A positions nothing in B: B's query stays within B.
        var pageOfA = RecordsClient.Ok(await alice.CallAsync("query_entities", new JsonObject { ["modelId"] = "Industry.Meter-1", ["limit"] = 1 }));
        var withAsCursor = RecordsClient.Ok(await bob.CallAsync("query_entities", new JsonObject { ["modelId"] = "Industry.Meter-1", ["cursor"] = (string)pageOfA["nextCursor"]! }));
        Assert.All(withAsCursor["entities"]!.AsArray(), e => Assert.Equal(world.B, (string?)e!["tenantId"]));
    }

    [Fact]
    public async Task Querying_a_model_the_group_does_not_have_is_not_found()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var client = await RecordsClient.ConnectAsync(server);

        var error = RecordsClient.Error(await client.CallAsync("query_entities", new JsonObject { ["modelId"] = "Industry.Meter-1" }), "NOT_FOUND");

        Assert.Equal($"No model 'Industry.Meter-1' in group '{server.TenantId}'.", (string?)error["message"]);
    }
}

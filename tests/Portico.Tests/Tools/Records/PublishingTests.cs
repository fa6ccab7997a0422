using System.Text.Json.Nodes;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Tools.Records;

/// <summary>
/// Scheduled publishing (seed 000's content items): publishable models, validated publish dates, the published state
/// computed from the clock in every read (no job), and the pro_plus bulk_update_publish_dates.
/// </summary>
public sealed class PublishingTests
{
    private const string Article = "Basic.Article-1";

    /// <summary>The test clock starts at 2026-01-01 09:00 UTC.</summary>
    private const string Ten = "2026-01-01T10:00:00Z";

    private static async Task<RecordsClient> ConnectWithArticlesAsync(PorticoTestServer server, string apiKey = "")
    {
        var client = await RecordsClient.ConnectAsync(server, apiKey);
        RecordsClient.Ok(await client.CallAsync("import_model", new JsonObject { ["modelId"] = Article }));
        return client;
    }

    private static async Task<string> CreateAsync(RecordsClient client, string title, JsonNode? publishAt = null, JsonNode? unpublishAt = null)
    {
        var arguments = new JsonObject { ["modelId"] = Article, ["attributes"] = new JsonObject { ["title"] = title } };
        if (publishAt is not null)
        {
            arguments["publishAt"] = publishAt;
        }

        if (unpublishAt is not null)
        {
            arguments["unpublishAt"] = unpublishAt;
        }

        return (string)RecordsClient.Ok(await client.CallAsync("create_entity", arguments))["entity"]!["id"]!;
    }

    private static async Task<bool> PublishedAsync(RecordsClient client, string id)
        => (bool)RecordsClient.Ok(await client.CallAsync("get_entity", new JsonObject { ["id"] = id }))["entity"]!["published"]!;

    private static async Task<List<string>> TitlesAsync(RecordsClient client, bool? published)
    {
        var arguments = new JsonObject { ["modelId"] = Article, ["sort"] = new JsonObject { ["attributePath"] = "title", ["direction"] = "asc" } };
        if (published is { } state)
        {
            arguments["published"] = state;
        }

        return [.. RecordsClient.Ok(await client.CallAsync("query_entities", arguments))["entities"]!.AsArray().Select(e => (string)e!["attributes"]!["title"]!)];
    }

    [Fact]
    public async Task An_entity_scheduled_for_ten_is_unpublished_at_nine_fifty_nine_and_published_at_ten_with_nothing_running_in_between()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var client = await ConnectWithArticlesAsync(server);
        var scheduled = await CreateAsync(client, "a-scheduled", Ten);
        var window = await CreateAsync(client, "b-window", "2026-01-01T09:30:00+00:00", "2026-01-01T10:00:00.001Z");
        var draft = await CreateAsync(client, "c-draft");

        server.Clock.Advance(TimeSpan.FromMinutes(59));
        Assert.False(await PublishedAsync(client, scheduled));
        Assert.True(await PublishedAsync(client, window));
        Assert.False(await PublishedAsync(client, draft));
        Assert.Equal(["b-window"], await TitlesAsync(client, published: true));
        Assert.Equal(["a-scheduled", "c-draft"], await TitlesAsync(client, published: false));

        // Only the clock moves: no job, no write, and the state is right at 10:00:00.000 exactly.
        server.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True(await PublishedAsync(client, scheduled));
        Assert.True(await PublishedAsync(client, window));
        Assert.Equal(["a-scheduled", "b-window"], await TitlesAsync(client, published: true));
        var listed = RecordsClient.Ok(await client.CallAsync("query_entities", new JsonObject { ["modelId"] = Article, ["sort"] = new JsonObject { ["attributePath"] = "title" } }))["entities"]!.AsArray();
        Assert.Equal([true, true, false], listed.Select(e => (bool)e!["published"]!));
        Assert.Equal("2026-01-01T10:00:00.000Z", (string?)listed[0]!["publishAt"]);
        Assert.Null(listed[0]!["unpublishAt"]);
        Assert.Equal("2026-01-01T10:00:00.001Z", (string?)listed[1]!["unpublishAt"]);

        server.Clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(await PublishedAsync(client, window));
        Assert.Equal(["a-scheduled"], await TitlesAsync(client, published: true));
        Assert.Equal(1, (int)RecordsClient.Ok(await client.CallAsync("get_entity", new JsonObject { ["id"] = window }))["entity"]!["version"]!);
        var counted = RecordsClient.Ok(await client.CallAsync("aggregate_entities", new JsonObject { ["modelId"] = Article, ["published"] = true, ["aggregations"] = new JsonArray(new JsonObject { ["function"] = "count" }) }));
        Assert.Equal(1, (int)counted["groups"]![0]!["values"]!["count"]!);
    }

    [Theory]
    [InlineData("""{"publishAt":"tomorrow"}""", "publishAt", "an RFC 3339 timestamp")]
    [InlineData("""{"publishAt":"2026-01-01T10:00:00"}""", "publishAt", "an RFC 3339 timestamp")]
    [InlineData("""{"publishAt":"2026-02-30T10:00:00Z"}""", "publishAt", "an RFC 3339 timestamp")]
    [InlineData("""{"publishAt":1767261600}""", "publishAt", null)]
    [InlineData("""{"publishAt":"2026-01-01T10:00:00Z","unpublishAt":"2026-01-01T10:00:00Z"}""", "unpublishAt", "a time after publishAt (2026-01-01T10:00:00.000Z)")]
    [InlineData("""{"publishAt":"2026-01-01T11:00:00+01:00","unpublishAt":"2026-01-01T09:59:59Z"}""", "unpublishAt", "a time after publishAt (2026-01-01T10:00:00.000Z)")]
    [InlineData("""{"unpublishAt":"2026-01-01T10:00:00Z"}""", "unpublishAt", "null when publishAt is null")]
    public async Task Bad_publish_dates_fail_validation_naming_the_path_and_store_nothing(string dates, string path, string? expected)
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var client = await ConnectWithArticlesAsync(server);
        var arguments = JsonNode.Parse(dates)!.AsObject();
        arguments["modelId"] = Article;
        arguments["attributes"] = new JsonObject { ["title"] = "x" };

        var error = RecordsClient.Error(await client.CallAsync("create_entity", arguments), "VALIDATION_FAILED");

        Assert.Equal(path, (string?)error["details"]!["path"]);
        if (expected is not null)
        {
            Assert.StartsWith($"Invalid argument '{path}': expected {expected}", (string?)error["message"], StringComparison.Ordinal);
        }

        Assert.False(string.IsNullOrEmpty((string?)error["hint"]));
        Assert.Empty(await TitlesAsync(client, published: null));
    }

    [Fact]
    public async Task Only_publishable_models_take_publish_dates_or_a_published_filter()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var client = await RecordsClient.ConnectAsync(server);
        RecordsClient.Ok(await client.CallAsync("import_model", new JsonObject { ["modelId"] = "Industry.Meter-1" }));
        var schema = new JsonObject { ["type"] = "object", ["properties"] = new JsonObject { ["title"] = new JsonObject { ["type"] = "string" } } };
        var defined = RecordsClient.Ok(await client.CallAsync("define_model", new JsonObject { ["modelId"] = "Acme.News-1", ["schema"] = schema.DeepClone(), ["publishable"] = true }));
        Assert.True((bool)defined["model"]!["publishable"]!);
        // A stored model never changes: the same id with another publishable flag is another definition.
        RecordsClient.Error(await client.CallAsync("define_model", new JsonObject { ["modelId"] = "Acme.News-1", ["schema"] = schema.DeepClone() }), "CONFLICT");
        RecordsClient.Error(await client.CallAsync("define_model", new JsonObject { ["modelId"] = "Acme.News-2", ["schema"] = schema.DeepClone(), ["publishable"] = "yes" }), "VALIDATION_FAILED");

        var dated = RecordsClient.Error(await client.CallAsync("create_entity", new JsonObject
        {
            ["modelId"] = "Industry.Meter-1",
            ["attributes"] = new JsonObject { ["site"] = "n" },
            ["publishAt"] = Ten,
        }), "VALIDATION_FAILED");
        Assert.Equal("publishAt", (string?)dated["details"]!["path"]);
        Assert.Contains("'Industry.Meter-1' is not publishable", (string?)dated["message"], StringComparison.Ordinal);
        var filtered = RecordsClient.Error(await client.CallAsync("query_entities", new JsonObject { ["modelId"] = "Industry.Meter-1", ["published"] = true }), "VALIDATION_FAILED");
        Assert.Equal("published", (string?)filtered["details"]!["path"]);
        RecordsClient.Error(await client.CallAsync("query_entities", new JsonObject { ["modelId"] = "Acme.News-1", ["published"] = "yes" }), "VALIDATION_FAILED");

        // An entity of a model that is not publishable shows no publishing fields at all.
        var meter = (string)RecordsClient.Ok(await client.CallAsync("create_entity", new JsonObject { ["modelId"] = "Industry.Meter-1", ["attributes"] = new JsonObject { ["site"] = "n" } }))["entity"]!["id"]!;
        var shown = RecordsClient.Ok(await client.CallAsync("get_entity", new JsonObject { ["id"] = meter }))["entity"]!.AsObject();
        Assert.False(shown.ContainsKey("published"));
        var news = RecordsClient.Ok(await client.CallAsync("create_entity", new JsonObject { ["modelId"] = "Acme.News-1", ["attributes"] = new JsonObject { ["title"] = "t" }, ["publishAt"] = "2026-01-01T08:00:00Z" }));
        Assert.True((bool)news["entity"]!["published"]!);
    }

    [Fact]
    public async Task Bulk_update_publish_dates_needs_pro_plus_and_changes_all_or_nothing()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var client = await ConnectWithArticlesAsync(server);
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await CreateAsync(client, $"a{i}"));
        }

        JsonObject Item(string id, JsonNode? publishAt, JsonNode? unpublishAt = null) => new() { ["id"] = id, ["publishAt"] = publishAt, ["unpublishAt"] = unpublishAt };
        var all = new JsonArray([.. ids.Select(id => (JsonNode)Item(id, Ten))]);
        var refused = RecordsClient.Error(await client.CallAsync("bulk_update_publish_dates", new JsonObject { ["items"] = all.DeepClone() }), "TIER_REQUIRED");
        Assert.Equal("Tool 'bulk_update_publish_dates' requires tier 'pro_plus' (current: 'basic')", (string?)refused["message"]);
        await server.AdminAsync(a => a.SetPlanAsync(server.TenantId, "pro_plus", CancellationToken.None));

        // An invalid, missing, duplicated or stale item changes nothing.
        var bad = all.DeepClone().AsArray();
        bad.Add(Item(ids[0].Replace(ids[0][..4], "ffff", StringComparison.Ordinal), Ten));
        var missing = RecordsClient.Error(await client.CallAsync("bulk_update_publish_dates", new JsonObject { ["items"] = bad }), "NOT_FOUND");
        Assert.Equal("items[3].id", (string?)missing["details"]!["path"]);
        var backwards = RecordsClient.Error(await client.CallAsync("bulk_update_publish_dates", new JsonObject
        {
            ["items"] = new JsonArray(Item(ids[0], Ten), Item(ids[1], Ten, "2026-01-01T09:00:00Z")),
        }), "VALIDATION_FAILED");
        Assert.Equal("items[1].unpublishAt", (string?)backwards["details"]!["path"]);
        RecordsClient.Error(await client.CallAsync("bulk_update_publish_dates", new JsonObject { ["items"] = new JsonArray(Item(ids[0], Ten), Item(ids[0], Ten)) }), "VALIDATION_FAILED");
        RecordsClient.Error(await client.CallAsync("bulk_update_publish_dates", new JsonObject { ["items"] = new JsonArray(new JsonObject { ["id"] = ids[0] }) }), "VALIDATION_FAILED");
        var stale = all.DeepClone().AsArray();
        stale[2]!["expected_version"] = 7;
        var conflict = RecordsClient.Error(await client.CallAsync("bulk_update_publish_dates", new JsonObject { ["items"] = stale }), "CONFLICT");
        Assert.Equal(1, (int)conflict["details"]!["currentVersion"]!);
        var tooMany = new JsonArray([.. Enumerable.Range(0, 1001).Select(i => (JsonNode)Item(ids[0], Ten))]);
        RecordsClient.Error(await client.CallAsync("bulk_update_publish_dates", new JsonObject { ["items"] = tooMany }), "VALIDATION_FAILED");
        Assert.Equal(3, (await TitlesAsync(client, published: false)).Count);
        foreach (var id in ids)
        {
            var entity = RecordsClient.Ok(await client.CallAsync("get_entity", new JsonObject { ["id"] = id }))["entity"]!;
            Assert.Equal(1, (int)entity["version"]!);
            Assert.Null(entity["publishAt"]);
        }

        var scheduled = RecordsClient.Ok(await client.CallAsync("bulk_update_publish_dates", new JsonObject { ["items"] = all.DeepClone() }));
        Assert.All(scheduled["entities"]!.AsArray(), e => Assert.Equal(2, (int)e!["version"]!));
        Assert.Empty(await TitlesAsync(client, published: true));
        server.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(["a0", "a1", "a2"], await TitlesAsync(client, published: true));

        // publishAt: null takes one back to draft.
        RecordsClient.Ok(await client.CallAsync("bulk_update_publish_dates", new JsonObject { ["items"] = new JsonArray(Item(ids[1], null)) }));
        Assert.Equal(["a0", "a2"], await TitlesAsync(client, published: true));
    }

    [Fact]
    public async Task Another_group_cannot_schedule_or_see_a_groups_entities()
    {
        await using var world = await DataWorld.StartAsync();
        using var alice = await ConnectWithArticlesAsync(world.Server, world.AliceKey);
        using var bob = await ConnectWithArticlesAsync(world.Server, world.BobKey);
        var id = await CreateAsync(alice, "alice's", Ten);

        // Bob's group is pro_plus; Alice's entity is not in it, and naming Alice's group is refused.
        var notFound = RecordsClient.Error(await bob.CallAsync("bulk_update_publish_dates", new JsonObject { ["items"] = new JsonArray(new JsonObject { ["id"] = id, ["publishAt"] = null }) }), "NOT_FOUND");
        Assert.Equal($"No entity '{id}' in group '{world.B}'.", (string?)notFound["message"]);
        RecordsClient.Error(await bob.CallAsync("bulk_update_publish_dates", new JsonObject { ["tenantId"] = world.A, ["items"] = new JsonArray(new JsonObject { ["id"] = id, ["publishAt"] = null }) }), "GROUP_NOT_AVAILABLE");
        Assert.Empty(await TitlesAsync(bob, published: false));
        world.Server.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(["alice's"], await TitlesAsync(alice, published: true));
    }
}

using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portico.Access;
using Portico.Catalog;
using Portico.Storage;
using Portico.Tests.TestSupport;
using Portico.Tools.Records;

namespace Portico.Tests.Tools.Records;

/// <summary>
/// Records of tenant A cannot be seen, changed or even confirmed to exist from tenant B, whichever
/// way B's caller names a tenant: argument, URL, active group, bound key, or an id copied from A.
/// </summary>
public sealed class RecordIsolationTests
{
    /// <summary>Every records tool with arguments that would act on <paramref name="id"/> if it were reachable.</summary>
    private static IEnumerable<(string Tool, JsonObject Arguments)> EveryTool(string id) =>
    [
        ("list-records", new JsonObject()),
        ("get-record", new JsonObject { ["id"] = id }),
        ("create-record", new JsonObject { ["collection"] = "intrusion", ["data"] = new JsonObject { ["x"] = 1 } }),
        ("update-record", new JsonObject { ["id"] = id, ["data"] = new JsonObject { ["x"] = "overwritten" } }),
        ("delete-record", new JsonObject { ["id"] = id, ["confirm"] = true }),
        ("bulk-create-records", new JsonObject { ["items"] = new JsonArray(new JsonObject { ["collection"] = "intrusion", ["data"] = new JsonObject() }) }),
    ];

    [Fact]
    public async Task A_member_of_B_only_reaches_none_of_As_records_by_id()
    {
        await using var world = await World.StartAsync();
        using var bob = await RecordsClient.ConnectAsync(world.Server, world.BobKey);

        var list = RecordsClient.Ok(await bob.CallAsync("list-records"));
        Assert.Equal(world.B, (string?)list["tenantId"]);
        Assert.DoesNotContain(list["records"]!.AsArray(), r => (string?)r!["tenantId"] != world.B);
        foreach (var (tool, arguments) in EveryTool(world.RecordOfA).Where(t => t.Tool is "get-record" or "update-record" or "delete-record"))
        {
            var error = RecordsClient.Error(await bob.CallAsync(tool, arguments), "NOT_FOUND");
            Assert.Equal($"No record '{world.RecordOfA}' in group '{world.B}'.", (string?)error["message"]);
        }

        await world.AssertRecordOfAIsUntouchedAsync();
    }

    [Fact]
    public async Task Not_found_for_an_id_of_another_tenant_is_the_same_answer_as_for_an_id_that_never_existed()
    {
        await using var world = await World.StartAsync();
        using var bob = await RecordsClient.ConnectAsync(world.Server, world.BobKey);
        var neverExisted = Ids.New();

        foreach (var tool in new[] { "get-record", "update-record", "delete-record" })
        {
            var leaked = RecordsClient.Error(await bob.CallAsync(tool, EveryTool(world.RecordOfA).Single(t => t.Tool == tool).Arguments), "NOT_FOUND");
            var unknown = RecordsClient.Error(await bob.CallAsync(tool, EveryTool(neverExisted).Single(t => t.Tool == tool).Arguments), "NOT_FOUND");

            Assert.Equal(((string?)unknown["message"])!.Replace(neverExisted, "ID", StringComparison.Ordinal), ((string?)leaked["message"])!.Replace(world.RecordOfA, "ID", StringComparison.Ordinal));
            Assert.Equal((string?)unknown["hint"], (string?)leaked["hint"]);
        }
    }

    [Fact]
    public async Task Naming_A_by_argument_url_or_active_group_from_a_member_of_B_only_is_refused_on_every_tool()
    {
        await using var world = await World.StartAsync();
        using var bob = await RecordsClient.ConnectAsync(world.Server, world.BobKey);
        using var bobAtA = await RecordsClient.ConnectAsync(world.Server, world.BobKey, $"/{world.A}/mcp");

        foreach (var (tool, arguments) in EveryTool(world.RecordOfA))
        {
            var byArgument = arguments.DeepClone().AsObject();
            byArgument["tenantId"] = world.A;
            AssertNotAvailable(await bob.CallAsync(tool, byArgument), world.A);
            AssertNotAvailable(await bobAtA.CallAsync(tool, arguments.DeepClone().AsObject()), world.A);
        }

        AssertNotAvailable(await bob.CallAsync("set-active-group", new JsonObject { ["groupId"] = world.A }), world.A);
        var stillB = RecordsClient.Ok(await bob.CallAsync("list-records"));
        Assert.Equal(world.B, (string?)stillB["tenantId"]);
        await world.AssertRecordOfAIsUntouchedAsync();
        Assert.Equal(0, await world.CountAsync(world.A, "intrusion"));
    }

    [Fact]
    public async Task A_member_of_both_reaches_As_records_only_when_the_call_acts_on_A()
    {
        await using var world = await World.StartAsync();
        using var carol = await RecordsClient.ConnectAsync(world.Server, world.CarolKey);
        using var carolAtB = await RecordsClient.ConnectAsync(world.Server, world.CarolKey, $"/{world.B}/mcp");

        // No group chosen: records tools need one, and do not guess.
        RecordsClient.Error(await carol.CallAsync("get-record", new JsonObject { ["id"] = world.RecordOfA }), "NO_ACTIVE_GROUP");

        // B by argument and by URL: A's record does not exist there.
        foreach (var (client, tenantArgument) in new (RecordsClient, string?)[] { (carol, world.B), (carolAtB, null) })
        {
            foreach (var (tool, arguments) in EveryTool(world.RecordOfA).Where(t => t.Tool is "get-record" or "update-record" or "delete-record"))
            {
                if (tenantArgument is not null)
                {
                    arguments["tenantId"] = tenantArgument;
                }

                RecordsClient.Error(await client.CallAsync(tool, arguments), "NOT_FOUND");
            }
        }

        // B by active group: the same.
        RecordsClient.Ok(await carol.CallAsync("set-active-group", new JsonObject { ["groupId"] = world.B }));
        RecordsClient.Error(await carol.CallAsync("get-record", new JsonObject { ["id"] = world.RecordOfA }), "NOT_FOUND");
        var bulk = RecordsClient.Ok(await carol.CallAsync("bulk-create-records", new JsonObject
        {
            ["items"] = new JsonArray(
                new JsonObject { ["collection"] = "secrets", ["data"] = new JsonObject { ["secret"] = "beta-1" } },
                new JsonObject { ["collection"] = "secrets", ["data"] = new JsonObject { ["secret"] = "beta-2" } }),
        }));
        Assert.All(bulk["records"]!.AsArray(), r => Assert.Equal(world.B, (string?)r!["tenantId"]));
        var inB = RecordsClient.Ok(await carol.CallAsync("list-records", new JsonObject { ["collection"] = "secrets" }));
        Assert.Equal(["beta-1", "beta-2"], inB["records"]!.AsArray().Select(r => (string)r!["data"]!["secret"]!).Order(StringComparer.Ordinal));

        // The same session, switched to A: A's record and nothing of B's.
        RecordsClient.Ok(await carol.CallAsync("set-active-group", new JsonObject { ["groupId"] = world.A }));
        var inA = RecordsClient.Ok(await carol.CallAsync("list-records", new JsonObject { ["collection"] = "secrets" }));
        Assert.Equal([world.RecordOfA], inA["records"]!.AsArray().Select(r => (string)r!["id"]!));
        RecordsClient.Ok(await carol.CallAsync("get-record", new JsonObject { ["id"] = world.RecordOfA }));
        foreach (var beta in bulk["records"]!.AsArray())
        {
            RecordsClient.Error(await carol.CallAsync("get-record", new JsonObject { ["id"] = (string)beta!["id"]! }), "NOT_FOUND");
        }

        await world.AssertRecordOfAIsUntouchedAsync();
        Assert.Equal(2, await world.CountAsync(world.B, "secrets"));
    }

    [Fact]
    public async Task A_key_bound_to_A_asking_for_B_gets_group_not_available_on_every_path()
    {
        await using var world = await World.StartAsync();
        var boundToA = await world.Server.AdminAsync(a => a.CreateKeyAsync(World.Carol, "bound to A", world.A, Scopes.Parse("all"), null, test: true, CancellationToken.None));
        using var bound = await RecordsClient.ConnectAsync(world.Server, boundToA.Plaintext);
        using var boundAtB = await RecordsClient.ConnectAsync(world.Server, boundToA.Plaintext, $"/{world.B}/mcp");
        var recordOfB = (string)RecordsClient.Ok(await ConnectAndCreateAsync(world.Server, world.BobKey, "bob's"))["record"]!["id"]!;

        foreach (var (tool, arguments) in EveryTool(recordOfB))
        {
            var byArgument = arguments.DeepClone().AsObject();
            byArgument["tenantId"] = world.B;
            AssertNotAvailable(await bound.CallAsync(tool, byArgument), world.B);
            AssertNotAvailable(await boundAtB.CallAsync(tool, arguments.DeepClone().AsObject()), world.B);
        }

        AssertNotAvailable(await bound.CallAsync("set-active-group", new JsonObject { ["groupId"] = world.B }), world.B);
        RecordsClient.Error(await bound.CallAsync("get-record", new JsonObject { ["id"] = recordOfB }), "NOT_FOUND");
        var own = RecordsClient.Ok(await bound.CallAsync("list-records"));
        Assert.Equal(world.A, (string?)own["tenantId"]);
        Assert.Equal([world.RecordOfA], own["records"]!.AsArray().Select(r => (string)r!["id"]!));
        Assert.Equal(1, await world.CountAsync(world.B, "notes"));
    }

    [Fact]
    public void Records_are_reachable_only_through_TenantEntities()
    {
        var source = Path.Combine(RepositoryRoot(), "src", "Portico");
        var files = Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories)
            .Select(f => (Path: Path.GetRelativePath(source, f).Replace('\\', '/'), Text: File.ReadAllText(f)))
            .ToList();

        // The entity type (needed for Set<>, queries and raw SQL mapping) is named only by the pack that owns it
        // (the entity, its configuration, the registration) and the one gate.
        Assert.Equal(
            ["Tools/Records/EntityRow.cs", "Tools/Records/EntityRowConfiguration.cs", "Tools/Records/RecordsPack.cs", "Tools/Records/TenantEntities.cs"],
            files.Where(f => f.Text.Contains("EntityRow", StringComparison.Ordinal)).Select(f => f.Path).Order(StringComparer.Ordinal));
        // Nobody opens the table directly: the tenant pack hands TenantEntities the tenant's TenantData.
        Assert.Empty(files.Where(f => f.Text.Contains("Set<EntityRow>", StringComparison.Ordinal)).Select(f => f.Path));
        // No raw SQL against the table outside the migrations.
        Assert.Equal(
            ["Storage/StoreMigrations.cs", "Tools/Records/EntityRowConfiguration.cs"],
            files.Where(f => System.Text.RegularExpressions.Regex.IsMatch(f.Text, @"\b(FROM|INTO|UPDATE|TABLE)\s+(records|data_entities)\b", System.Text.RegularExpressions.RegexOptions.IgnoreCase))
                .Select(f => f.Path).Order(StringComparer.Ordinal));

        // Handlers get TenantEntities and nothing that could open another tenant's records.
        var handlers = typeof(Portico.Tools.Records.RecordTools).GetMethods(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Concat(typeof(Portico.Tools.Records.EntityTools).GetMethods(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)).ToList();
        Assert.Equal(13, handlers.Count);
        Assert.All(handlers, h => Assert.Equal(
            [typeof(Portico.Catalog.ToolInvocation), typeof(Portico.Tools.Records.TenantEntities), typeof(CancellationToken)],
            h.GetParameters().Select(p => p.ParameterType)));
        // TenantEntities is made only from one tenant's data (which the tenant pack binds to the resolved tenant), never from a tenant id.
        var constructor = Assert.Single(typeof(Portico.Tools.Records.TenantEntities).GetConstructors(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic));
        Assert.Equal([typeof(Portico.Catalog.TenantData<Portico.Tools.Records.EntityRow>), typeof(TimeProvider)], constructor.GetParameters().Select(p => p.ParameterType));
    }

    private static void AssertNotAvailable(JsonObject result, string tenantId)
    {
        var error = RecordsClient.Error(result, "GROUP_NOT_AVAILABLE");
        Assert.Equal($"Group '{tenantId}' is not available for this user.", (string?)error["message"]);
    }

    private static async Task<JsonObject> ConnectAndCreateAsync(PorticoTestServer server, string apiKey, string text)
    {
        using var client = await RecordsClient.ConnectAsync(server, apiKey);
        return await client.CallAsync("create-record", new JsonObject { ["collection"] = "notes", ["data"] = new JsonObject { ["text"] = text } });
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Portico.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Portico.slnx above {AppContext.BaseDirectory}.");
    }

    /// <summary>
    /// Tenant A (basic) with Alice, tenant B (pro_plus, so bulk-create is open there) with Bob, and
    /// Carol in both; Alice has created one record in A.
    /// </summary>
    private sealed class World : IAsyncDisposable
    {
        public const string Alice = "alice@portico.test";
        public const string Bob = "bob@portico.test";
        public const string Carol = "carol@portico.test";

        private World(PorticoTestServer server) => Server = server;

        public PorticoTestServer Server { get; }

        public string A { get; private set; } = "";

        public string B { get; private set; } = "";

        public string AliceKey { get; private set; } = "";

        public string BobKey { get; private set; } = "";

        public string CarolKey { get; private set; } = "";

        public string RecordOfA { get; private set; } = "";

        public static async Task<World> StartAsync()
        {
            var world = new World(await PorticoTestServer.StartAsync());
            var server = world.Server;
            world.A = (await server.AdminAsync(a => a.CreateTenantAsync("Alpha", "basic", CancellationToken.None))).Id;
            world.B = (await server.AdminAsync(a => a.CreateTenantAsync("Beta", "pro_plus", CancellationToken.None))).Id;
            await server.AdminAsync(a => a.AddMemberAsync(world.A, Alice, "owner", CancellationToken.None));
            await server.AdminAsync(a => a.AddMemberAsync(world.B, Bob, "owner", CancellationToken.None));
            await server.AdminAsync(a => a.AddMemberAsync(world.A, Carol, "member", CancellationToken.None));
            await server.AdminAsync(a => a.AddMemberAsync(world.B, Carol, "member", CancellationToken.None));
            world.AliceKey = (await server.AdminAsync(a => a.CreateKeyAsync(Alice, "alice", null, Scopes.Parse("all"), null, test: true, CancellationToken.None))).Plaintext;
            world.BobKey = (await server.AdminAsync(a => a.CreateKeyAsync(Bob, "bob", null, Scopes.Parse("all"), null, test: true, CancellationToken.None))).Plaintext;
            world.CarolKey = (await server.AdminAsync(a => a.CreateKeyAsync(Carol, "carol", null, Scopes.Parse("all"), null, test: true, CancellationToken.None))).Plaintext;

            using var alice = await RecordsClient.ConnectAsync(server, world.AliceKey);
            var created = RecordsClient.Ok(await alice.CallAsync("create-record", new JsonObject
            {
                ["collection"] = "secrets",
                ["data"] = new JsonObject { ["secret"] = "alpha-only" },
            }));
            world.RecordOfA = (string)created["record"]!["id"]!;
            Assert.Equal(world.A, (string?)created["record"]!["tenantId"]);
            return world;
        }

        /// <summary>Alice still sees her record as she wrote it, and the store holds nothing else in A.</summary>
        public async Task AssertRecordOfAIsUntouchedAsync()
        {
            using var alice = await RecordsClient.ConnectAsync(Server, AliceKey);
            var record = RecordsClient.Ok(await alice.CallAsync("get-record", new JsonObject { ["id"] = RecordOfA }))["record"]!;
            Assert.Equal(1, (int)record["version"]!);
            Assert.Equal("alpha-only", (string?)record["data"]!["secret"]);
            Assert.Equal(1, await CountAsync(A, null));
        }

        public async Task<int> CountAsync(string tenantId, string? collection)
        {
            await using var scope = Server.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
            return await db.Set<EntityRow>().CountAsync(r => r.TenantId == tenantId && (collection == null || r.Model == collection));
        }

        public ValueTask DisposeAsync() => Server.DisposeAsync();
    }
}

using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Protocol;
using Portico.Access;
using Portico.Catalog;
using Portico.Mcp;
using Portico.Storage;
using Portico.Tests.Catalog.SamplePack;
using Portico.Tests.TestSupport;
using Portico.Tests.Tools.Records;

namespace Portico.Tests.Catalog;

/// <summary>
/// A new pack is a pack class, its tools, its entity and its configuration, registered with one line (the sample pack in
/// <c>SamplePack/</c>): the tenant pack supplies the table, the <c>tenantId</c> argument, the tenant check and the isolation.
/// </summary>
public sealed class TenantPackTests
{
    private const string Alice = "alice@portico.test";
    private const string Bob = "bob@portico.test";

    [Fact]
    public async Task A_pack_registered_with_one_line_gets_its_table_its_tenant_argument_and_its_tools()
    {
        await using var server = await PorticoTestServer.StartAsync(services: s => s.AddMcpPack<NotesPack>());
        using var client = await RecordsClient.ConnectAsync(server);

        var listed = await client.Mcp.PostAsync(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = 2, ["method"] = "tools/list" }.ToJsonString(), client.SessionId);
        var add = listed.Final["result"]!["tools"]!.AsArray().Single(t => (string?)t!["name"] == "add_note")!;
        Assert.Equal("string", (string?)add["inputSchema"]!["properties"]!["tenantId"]!["type"]);
        Assert.Equal("string", (string?)add["inputSchema"]!["properties"]!["text"]!["type"]);

        var added = RecordsClient.Ok(await client.CallAsync("add_note", new JsonObject { ["text"] = "Call Ann" }));
        Assert.Equal(server.TenantId, (string?)added["tenantId"]);
        var listedNotes = RecordsClient.Ok(await client.CallAsync("list_notes"));
        Assert.Equal("Call Ann", (string?)Assert.Single(listedNotes["notes"]!.AsArray())!["text"]);

        // The pack's own migration made the table, and it is in the store's model (so the schema check covers it).
        Assert.Equal(1, await TestStores.ScalarAsync(server.Settings.Store, "SELECT COUNT(*) FROM sample_notes"));
        await using var scope = server.Services.CreateAsyncScope();
        Assert.NotNull(scope.ServiceProvider.GetRequiredService<PorticoDbContext>().Model.FindEntityType(typeof(Note)));
    }

    [Fact]
    public async Task A_member_of_another_tenant_neither_sees_nor_deletes_nor_names_the_tenants_notes()
    {
        await using var server = await PorticoTestServer.StartAsync(services: s => s.AddMcpPack<NotesPack>());
        var a = (await server.AdminAsync(x => x.CreateTenantAsync("Alpha", "basic", CancellationToken.None))).Id;
        var b = (await server.AdminAsync(x => x.CreateTenantAsync("Beta", "basic", CancellationToken.None))).Id;
        await server.AdminAsync(x => x.AddMemberAsync(a, Alice, "owner", CancellationToken.None));
        await server.AdminAsync(x => x.AddMemberAsync(b, Bob, "owner", CancellationToken.None));
        var aliceKey = (await server.AdminAsync(x => x.CreateKeyAsync(Alice, "alice", null, Scopes.Parse("all"), null, test: true, CancellationToken.None))).Plaintext;
        var bobKey = (await server.AdminAsync(x => x.CreateKeyAsync(Bob, "bob", null, Scopes.Parse("all"), null, test: true, CancellationToken.None))).Plaintext;
        using var alice = await RecordsClient.ConnectAsync(server, aliceKey);
        using var bob = await RecordsClient.ConnectAsync(server, bobKey);
        var id = (string)RecordsClient.Ok(await alice.CallAsync("add_note", new JsonObject { ["text"] = "alpha only" }))["id"]!;

        Assert.Empty(RecordsClient.Ok(await bob.CallAsync("list_notes"))["notes"]!.AsArray());
        RecordsClient.Error(await bob.CallAsync("list_notes", new JsonObject { ["tenantId"] = a }), "GROUP_NOT_AVAILABLE");
        RecordsClient.Error(await bob.CallAsync("delete_note", new JsonObject { ["id"] = id }), "NOT_FOUND");
        RecordsClient.Error(await bob.CallAsync("add_note", new JsonObject { ["text"] = "intrusion", ["tenantId"] = a }), "GROUP_NOT_AVAILABLE");

        var notes = RecordsClient.Ok(await alice.CallAsync("list_notes"))["notes"]!.AsArray();
        Assert.Equal("alpha only", (string?)Assert.Single(notes)!["text"]);
    }

    [Fact]
    public async Task Tenant_data_refuses_to_save_a_row_of_another_tenant_or_one_moved_to_another_tenant()
    {
        await using var server = await PorticoTestServer.StartAsync(services: s => s.AddMcpPack<NotesPack>());
        var other = (await server.AdminAsync(x => x.CreateTenantAsync("Other", "basic", CancellationToken.None))).Id;
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        var mine = new TenantData<Note>(db, server.TenantId);
        var note = new Note { Id = Ids.New(), Text = "mine" };
        mine.Add(note);
        await mine.SaveChangesAsync(CancellationToken.None);

        var theirs = new TenantData<Note>(db, other);
        Assert.Throws<InvalidOperationException>(() => theirs.Remove(note));
        note.TenantId = other;
        await Assert.ThrowsAsync<InvalidOperationException>(() => theirs.SaveChangesAsync(CancellationToken.None));
        await Assert.ThrowsAsync<InvalidOperationException>(() => mine.SaveChangesAsync(CancellationToken.None));
    }

    [Fact]
    public void A_new_pack_with_a_tool_not_named_in_snake_case_is_refused_at_start()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new KebabPack(null!).Register(new CatalogBuilder()));
        Assert.Contains("snake_case", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pack_migration_numbered_like_a_core_step_is_refused_at_registration()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddStoreEntity(new LowNumberedConfiguration()));
        Assert.Contains($"from {StoreMigration.PackVersions}", error.Message, StringComparison.Ordinal);
    }

    private sealed class KebabPack(IServiceScopeFactory scopes) : TenantPack<Note, NoteConfiguration>(scopes)
    {
        public override string Name => "kebab";

        protected override IEnumerable<TenantTool<Note>> Tools =>
            [new(new Tool { Name = "add-note", InputSchema = System.Text.Json.JsonDocument.Parse("""{"type":"object"}""").RootElement.Clone() }, (_, _, _) => ValueTask.FromResult(new CallToolResult()))];
    }

    private sealed class LowNumberedConfiguration : IEntityTypeConfiguration<Note>, IStoreTableMigrations
    {
        public IReadOnlyList<StoreMigration> Migrations { get; } = [new(14, "clash", "SELECT 1", "SELECT 1")];

        public void Configure(EntityTypeBuilder<Note> builder) => builder.ToTable("sample_notes");
    }
}

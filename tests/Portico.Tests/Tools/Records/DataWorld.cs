using Portico.Access;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Tools.Records;

/// <summary>
/// Two tenants on one server for the data pack's isolation tests: A (basic) owned by Alice, B (pro_plus) owned by Bob,
/// each with a key of all scopes and no other membership.
/// </summary>
internal sealed class DataWorld : IAsyncDisposable
{
    private DataWorld(PorticoTestServer server) => Server = server;

    public PorticoTestServer Server { get; }

    public string A { get; private set; } = "";

    public string B { get; private set; } = "";

    public string AliceKey { get; private set; } = "";

    public string BobKey { get; private set; } = "";

    public static async Task<DataWorld> StartAsync()
    {
        var world = new DataWorld(await PorticoTestServer.StartAsync());
        var server = world.Server;
        world.A = (await server.AdminAsync(a => a.CreateTenantAsync("Alpha", "basic", CancellationToken.None))).Id;
        world.B = (await server.AdminAsync(a => a.CreateTenantAsync("Beta", "pro_plus", CancellationToken.None))).Id;
        await server.AdminAsync(a => a.AddMemberAsync(world.A, "alice@portico.test", "owner", CancellationToken.None));
        await server.AdminAsync(a => a.AddMemberAsync(world.B, "bob@portico.test", "owner", CancellationToken.None));
        world.AliceKey = (await server.AdminAsync(a => a.CreateKeyAsync("alice@portico.test", "alice", null, Scopes.Parse("all"), null, test: true, CancellationToken.None))).Plaintext;
        world.BobKey = (await server.AdminAsync(a => a.CreateKeyAsync("bob@portico.test", "bob", null, Scopes.Parse("all"), null, test: true, CancellationToken.None))).Plaintext;
        return world;
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}

using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portico.Security;
using Portico.Storage;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Security;

/// <summary>The Data Protection key ring lives in the store: shared by every instance on it, kept across restarts.</summary>
public sealed class DataProtectionKeyRingTests
{
    private const string Purpose = "Portico.Tests.KeyRing";

    [Fact]
    public async Task A_payload_protected_by_one_instance_is_unprotected_by_another_on_the_same_store()
    {
        await using var a = await PorticoTestServer.StartAsync();
        var payload = Protector(a).Protect("shared across instances");
        await using var b = await a.StartPeerAsync();

        Assert.Equal("shared across instances", Protector(b).Unprotect(payload));
        Assert.Equal("and back", Protector(a).Unprotect(Protector(b).Protect("and back")));
        Assert.Equal(1, await KeyCountAsync(a));
    }

    [Fact]
    public async Task The_key_ring_survives_a_restart()
    {
        await using var server = await PorticoTestServer.StartAsync();
        var payload = Protector(server).Protect("kept");
        await server.RestartAsync();

        Assert.Equal("kept", Protector(server).Unprotect(payload));
        Assert.Equal(1, await KeyCountAsync(server));
    }

    [Fact]
    public async Task A_payload_from_another_store_is_refused()
    {
        await using var one = await PorticoTestServer.StartAsync();
        await using var other = await PorticoTestServer.StartAsync();
        var payload = Protector(one).Protect("not yours");

        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => Protector(other).Unprotect(payload));
    }

    private static IDataProtector Protector(PorticoTestServer server) => server.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose);

    private static async Task<int> KeyCountAsync(PorticoTestServer server)
    {
        await using var scope = server.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PorticoDbContext>().Set<DataProtectionKeyRecord>().CountAsync(TestContext.Current.CancellationToken);
    }
}

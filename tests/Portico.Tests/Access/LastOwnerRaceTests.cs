using Microsoft.Extensions.DependencyInjection;
using Portico.Access;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Access;

/// <summary>Two owners demoting each other at the same moment: one change wins, the other is refused, and the tenant keeps an owner.</summary>
public sealed class LastOwnerRaceTests
{
    [Fact]
    public async Task Two_owners_demoting_each_other_at_once_leave_exactly_one_owner()
    {
        await using var server = await PorticoTestServer.StartAsync();
        await server.AdminAsync(a => a.AddMemberAsync(server.TenantId, "second@portico.test", "owner", CancellationToken.None));

        for (var round = 0; round < 10; round++)
        {
            var results = await Task.WhenAll(
                DemoteAsync(server, PorticoTestServer.UserEmail),
                DemoteAsync(server, "second@portico.test"));

            Assert.Equal(1, results.Count(ok => ok));
            var members = await server.AdminAsync(a => a.ListMembersAsync(server.TenantId, CancellationToken.None));
            Assert.Single(members, m => m.Membership.Role == "owner");

            // Both owners again for the next round.
            await server.AdminAsync(a => a.AddMemberAsync(server.TenantId, PorticoTestServer.UserEmail, "owner", CancellationToken.None));
            await server.AdminAsync(a => a.AddMemberAsync(server.TenantId, "second@portico.test", "owner", CancellationToken.None));
        }
    }

    private static async Task<bool> DemoteAsync(PorticoTestServer server, string email)
    {
        await using var scope = server.Services.CreateAsyncScope();
        try
        {
            await scope.ServiceProvider.GetRequiredService<AccessAdmin>().AddMemberAsync(server.TenantId, email, "member", CancellationToken.None);
            return true;
        }
        catch (AccessException ex) when (ex.Message.Contains("last owner", StringComparison.Ordinal))
        {
            return false;
        }
    }
}

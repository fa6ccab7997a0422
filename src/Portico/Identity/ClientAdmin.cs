using Microsoft.EntityFrameworkCore;
using Portico.Storage;

namespace Portico.Identity;

/// <summary>
/// Pre-registered OAuth clients, as <c>portico clients</c> manages them. Rows are the same as Dynamic Client Registration's,
/// read straight from the store by the token and authorize endpoints, so a running server uses a new client at once.
/// Removing a client revokes every grant it holds (running servers hear of it through the change log).
/// </summary>
internal sealed class ClientAdmin(PorticoDbContext db, StoreChanges changes, TimeProvider time)
{
    public async Task<(OAuthClientRecord Client, string? Secret)> AddAsync(string? name, string authMethod, IReadOnlyCollection<string> redirectUris,
        IReadOnlyCollection<string> grantTypes, string? scope, CancellationToken cancellationToken)
    {
        var (client, secret) = ClientRegistrations.New(name, authMethod, redirectUris, grantTypes, scope, time.GetUtcNow());
        db.OAuthClients.Add(client);
        var change = changes.Record(db, ClientRegistrations.Topic, client.Id);
        await db.SaveChangesAsync(cancellationToken);
        changes.Raise(change);
        return (client, secret);
    }

    public Task<List<OAuthClientRecord>> ListAsync(CancellationToken cancellationToken)
        => db.OAuthClients.AsNoTracking().Where(c => c.Id != DeviceFlow.SessionClientId).OrderBy(c => c.CreatedAt).ThenBy(c => c.Id).ToListAsync(cancellationToken);

    /// <summary>Null when there is no such client.</summary>
    public async Task<OAuthClientRecord?> RemoveAsync(string id, CancellationToken cancellationToken)
    {
        var client = await db.OAuthClients.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (client is null)
        {
            return null;
        }

        // The grants go with the client (ON DELETE CASCADE); each instance must forget that it saw them unrevoked.
        var grants = await db.OAuthGrants.Where(g => g.ClientId == id).Select(g => g.Id).ToListAsync(cancellationToken);
        var recorded = grants.Select(g => changes.Record(db, GrantRevocations.Topic, g)).Append(changes.Record(db, ClientRegistrations.Topic, id)).ToList();
        db.OAuthClients.Remove(client);
        await db.SaveChangesAsync(cancellationToken);
        recorded.ForEach(changes.Raise);
        return client;
    }
}

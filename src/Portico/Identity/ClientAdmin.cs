using Microsoft.EntityFrameworkCore;
using Portico.Access;
using Portico.Storage;

namespace Portico.Identity;

/// <summary>
/// Pre-registered OAuth clients, as <c>portico clients</c> manages them. Rows are the same as Dynamic Client Registration's,
/// read straight from the store by the token and authorize endpoints, so a running server uses a new client at once.
/// Removing a client revokes every grant it holds (running servers hear of it through the change log).
/// </summary>
internal sealed class ClientAdmin(PorticoDbContext db, GrantTypes grants, TimeProvider time)
{
    /// <param name="servicePrincipal">For <c>client_credentials</c>: the email of the user its tokens act as, a member of <paramref name="tenantId"/>.</param>
    /// <param name="tenantId">For <c>client_credentials</c>: the tenant its tokens are bound to.</param>
    /// <param name="mayIntrospect">A resource server that may introspect any token, not only its own.</param>
    public async Task<(OAuthClientRecord Client, string? Secret)> AddAsync(string? name, string authMethod, IReadOnlyCollection<string> redirectUris,
        IReadOnlyCollection<string> grantTypes, string? scope, string? servicePrincipal, string? tenantId, bool mayIntrospect, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > 100 || name.Any(char.IsControl))
        {
            throw new AccessException("A client's name is 1 to 100 characters on one line: users see it on the consent page.", "Pass --name \"My app\".");
        }

        name = name.Trim();
        ClientRegistrations.CheckGrants(grants, authMethod, grantTypes, byOperator: true, mayIntrospect);
        var machine = grantTypes.Contains("client_credentials");
        if (machine != (servicePrincipal is not null) || machine != (tenantId is not null))
        {
            throw new AccessException(machine
                    ? "A client_credentials client needs --service-principal and --tenant: its tokens act as that user, bound to that tenant."
                    : "--service-principal and --tenant are only for a client_credentials client.",
                machine
                    ? "Add --service-principal svc@example.com --tenant ID --scopes portico/records.read (the user must be a member: portico members add --tenant ID --user svc@example.com)."
                    : "Add --grant-types client_credentials (with --confidential), or leave --service-principal and --tenant out.");
        }

        if (mayIntrospect && authMethod == "none")
        {
            throw new AccessException("--introspection needs a confidential client: introspection authenticates with a client secret.", "Pass --confidential.");
        }

        string? serviceUserId = null;
        if (machine)
        {
            var email = servicePrincipal!.Trim().ToLowerInvariant();
            serviceUserId = await db.Set<UserRecord>().AsNoTracking().Where(u => u.Email == email).Select(u => u.Id).FirstOrDefaultAsync(cancellationToken);
            if (serviceUserId is null || !await db.Set<MembershipRecord>().AnyAsync(m => m.TenantId == tenantId && m.UserId == serviceUserId, cancellationToken))
            {
                throw new AccessException($"'{email}' is not a member of tenant '{tenantId}', so a client_credentials client cannot act as it there.",
                    $"Add the membership first: portico members add --tenant {tenantId} --user {email} (see 'portico tenants list' for tenant ids).");
            }
        }

        var (client, secret) = ClientRegistrations.New(grants, name, authMethod, redirectUris, grantTypes, scope, new OperatorClient(serviceUserId, tenantId, mayIntrospect), time.GetUtcNow());
        db.Set<OAuthClientRecord>().Add(client);
        await db.SaveChangesAsync(cancellationToken);
        return (client, secret);
    }

    public Task<List<OAuthClientRecord>> ListAsync(CancellationToken cancellationToken)
        => db.Set<OAuthClientRecord>().AsNoTracking().Where(c => c.Id != DeviceFlow.SessionClientId).OrderBy(c => c.CreatedAt).ThenBy(c => c.Id).ToListAsync(cancellationToken);

    /// <summary>Null when there is no such client; Portico's own session client cannot be removed.</summary>
    public async Task<OAuthClientRecord?> RemoveAsync(string id, CancellationToken cancellationToken)
    {
        if (id == DeviceFlow.SessionClientId)
        {
            throw new AccessException($"'{id}' is Portico's own client for the authenticate tool of MCP sessions and cannot be removed.",
                "Remove the clients you added or that registered themselves; see 'portico clients list'.");
        }

        var client = await db.Set<OAuthClientRecord>().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (client is null)
        {
            return null;
        }

        // The grants go with the client (ON DELETE CASCADE, unseen by the change tracker, so recorded by hand in
        // the same save); each instance must forget that it saw them unrevoked.
        foreach (var grant in await db.Set<OAuthGrantRecord>().Where(g => g.ClientId == id).Select(g => g.Id).ToListAsync(cancellationToken))
        {
            db.Record(IdentityTopics.Grants, grant);
        }

        db.Set<OAuthClientRecord>().Remove(client);
        await db.SaveChangesAsync(cancellationToken);
        return client;
    }
}

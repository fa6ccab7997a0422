using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portico.Access;
using Portico.Identity;
using Portico.Storage;

namespace Portico.Tools.Workflows;

/// <summary>
/// Who a run acts as. The run stores its owner and the credential that started it, never a secret; before every step
/// the principal is rebuilt from the credential as it is now, so a revoked or expired key (or OAuth grant) stops the run
/// at its next step with the reason, and an API key's changed scopes apply from then on.
/// </summary>
internal sealed class RunCredentials(IServiceScopeFactory scopes, GrantRevocations grants, IOptionsMonitor<AccessOptions> access, TimeProvider time)
{
    public const string Revoked = "CREDENTIAL_REVOKED";
    public const string Expired = "CREDENTIAL_EXPIRED";

    public static void Capture(Principal principal, WorkflowRunEntity run)
    {
        run.OwnerId = principal.Id;
        run.CredentialKind = principal.Kind;
        run.CredentialId = principal.CredentialId;
        run.Scopes = ScopesOf(principal);
    }

    public static string ScopesOf(Principal principal) => string.Join(' ', principal.Scopes.Order(StringComparer.Ordinal));

    /// <summary>The run's owner as its credential allows now; throws <see cref="RunStoppedException"/> when it no longer does.</summary>
    public async Task<Principal> RestoreAsync(WorkflowRunEntity run, CancellationToken cancellationToken)
    {
        switch (run.CredentialKind)
        {
            case Principal.ApiKeyKind when run.CredentialId is { } keyId:
                await using (var scope = scopes.CreateAsyncScope())
                {
                    var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
                    var key = await (
                            from k in db.Set<ApiKeyRecord>()
                            join u in db.Set<UserRecord>() on k.UserId equals u.Id
                            where k.Id == keyId && k.UserId == run.OwnerId
                            select new { k.Scopes, k.TenantId, k.RevokedAt, k.ExpiresAt, u.Email })
                        .AsNoTracking().FirstOrDefaultAsync(cancellationToken);
                    if (key is null || key.RevokedAt is not null)
                    {
                        throw new RunStoppedException(Revoked, $"The API key that started this run ({keyId}) was revoked or deleted; the run stopped before this step.");
                    }

                    if (key.ExpiresAt <= time.GetUtcNow())
                    {
                        throw new RunStoppedException(Expired, $"The API key that started this run ({keyId}) expired; the run stopped before this step.");
                    }

                    return new Principal
                    {
                        Id = run.OwnerId,
                        Kind = Principal.ApiKeyKind,
                        Email = key.Email,
                        CredentialId = keyId,
                        Scopes = ParseScopes(key.Scopes),
                        BoundTenantId = key.TenantId,
                    };
                }

            case Principal.OAuthKind when run.CredentialId is { } grantId:
                if (await grants.IsRevokedAsync(grantId, cancellationToken))
                {
                    throw new RunStoppedException(Revoked, "The sign-in (OAuth grant) that started this run was revoked; the run stopped before this step.");
                }

                return new Principal
                {
                    Id = run.OwnerId,
                    Kind = Principal.OAuthKind,
                    CredentialId = grantId,
                    Scopes = ParseScopes(run.Scopes),
                    BoundTenantId = run.TenantId,
                };

            case Principal.AnonymousKind when access.CurrentValue.AllowAnonymousLoopback:
                return Principal.Anonymous;

            default:
                throw new RunStoppedException(Revoked, $"The run was started with a credential ({run.CredentialKind}) that cannot act in the background.");
        }
    }

    private static HashSet<string> ParseScopes(string scopes) => new(scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);
}

using Microsoft.Extensions.Options;
using Portico.Storage;

namespace Portico.Identity;

/// <summary>Creates grants and the tokens of a grant, and writes the RFC 6749 5.1 token response.</summary>
internal sealed class TokenIssuer(AccessTokens accessTokens, TimeProvider time, IOptions<IdentityOptions> options)
{
    /// <summary>A grant of what <paramref name="userId"/> may hold of <paramref name="scopes"/> (see <see cref="AdminConsent"/>), added to <paramref name="db"/>.</summary>
    /// <param name="actingForItself">A client_credentials grant: <paramref name="userId"/> is its service principal, and it never holds admin.</param>
    public async Task<OAuthGrantRecord> NewGrantAsync(PorticoDbContext db, string clientId, string? userId, IEnumerable<string> scopes, string resource, bool actingForItself,
        CancellationToken cancellationToken)
    {
        var granted = await AdminConsent.GrantableAsync(db, actingForItself ? null : userId, scopes, cancellationToken);
        var grant = new OAuthGrantRecord
        {
            Id = Secrets.Base64Url(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)),
            ClientId = clientId,
            UserId = userId,
            Scopes = OAuthScopes.Format(granted),
            Resource = resource,
            CreatedAt = time.GetUtcNow(),
        };
        db.Set<OAuthGrantRecord>().Add(grant);
        return grant;
    }

    /// <summary>Adds a refresh token of <paramref name="grant"/> to <paramref name="db"/> and returns it (only its hash is stored).</summary>
    public string NewRefreshToken(PorticoDbContext db, OAuthGrantRecord grant)
    {
        var token = Secrets.New("prt_");
        var now = time.GetUtcNow();
        db.Set<RefreshTokenRecord>().Add(new RefreshTokenRecord { Id = Secrets.HashHex(token), GrantId = grant.Id, CreatedAt = now, ExpiresAt = now + options.Value.RefreshTokenLifetime });
        return token;
    }

    /// <param name="tenantId">The tenant the access token is bound to (a client_credentials client's); null for a user's sign-in.</param>
    public async Task WriteResponseAsync(HttpContext context, string issuer, OAuthGrantRecord grant, IReadOnlyCollection<string> scopes, string? refreshToken, string? tenantId = null)
    {
        var access = await accessTokens.IssueAsync(issuer, grant.Resource, grant.UserId ?? grant.ClientId, grant.ClientId, scopes, grant.Id, tenantId, context.RequestAborted);
        await OAuthJson.WriteAsync(context, StatusCodes.Status200OK, json =>
        {
            json.WriteString("access_token", access);
            json.WriteString("token_type", "Bearer");
            json.WriteNumber("expires_in", (long)accessTokens.Lifetime.TotalSeconds);
            if (refreshToken is not null)
            {
                json.WriteString("refresh_token", refreshToken);
            }

            json.WriteString("scope", OAuthScopes.Format(scopes));
        });
    }
}

using Microsoft.EntityFrameworkCore;
using Portico.Storage;

namespace Portico.Identity;

/// <summary>
/// Token revocation (RFC 7009). Revoking either token of a sign-in revokes the whole grant: the
/// refresh tokens and the access tokens, which the resource server checks against the grant.
/// Unknown or foreign tokens are answered 200 as the RFC says, so the endpoint reveals nothing.
/// </summary>
internal static class RevocationEndpoint
{
    public static async Task HandleAsync(HttpContext context, PorticoDbContext db, AccessTokens accessTokens, GrantRevocations revocations, IdentityUrls urls)
    {
        var cancellationToken = context.RequestAborted;
        var form = await OAuthBodies.ReadFormAsync(context, "The revocation request must be application/x-www-form-urlencoded (RFC 7009 2.1).");
        var client = await ClientAuthentication.AuthenticateAsync(context, form, db, cancellationToken);
        var token = form["token"].ToString();
        if (token.Length == 0)
        {
            throw OAuthException.InvalidRequest("token is missing.");
        }

        var grantId = await FindGrantAsync(token, db, accessTokens, urls.Issuer(context.Request), cancellationToken);
        if (grantId is not null && await db.Set<OAuthGrantRecord>().AnyAsync(g => g.Id == grantId && g.ClientId == client.Id, cancellationToken))
        {
            await revocations.RevokeAsync(db, grantId, cancellationToken);
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.Headers.CacheControl = "no-store";
    }

    /// <summary>The grant of a refresh token or of a genuine access token, else null.</summary>
    public static async Task<string?> FindGrantAsync(string token, PorticoDbContext db, AccessTokens accessTokens, string issuer, CancellationToken cancellationToken)
    {
        var hash = Secrets.HashHex(token);
        var refresh = await db.Set<RefreshTokenRecord>().AsNoTracking().Where(t => t.Id == hash).Select(t => t.GrantId).FirstOrDefaultAsync(cancellationToken);
        if (refresh is not null)
        {
            return refresh;
        }

        var check = await accessTokens.CheckAsync(token, issuer, null, cancellationToken);
        return check.GrantId;
    }
}

using Microsoft.EntityFrameworkCore;
using Portico.Storage;

namespace Portico.Identity;

/// <summary>
/// Token introspection (RFC 7662), for confidential clients: active or not, and what the token may do. A client learns
/// about the tokens issued to it; only a resource server an operator registered with <c>--introspection</c> learns about
/// any token. Everyone else gets <c>active: false</c> (RFC 7662 2.2 allows it), never a token's contents.
/// </summary>
internal static class IntrospectionEndpoint
{
    public static async Task HandleAsync(HttpContext context, PorticoDbContext db, AccessTokens accessTokens, GrantRevocations revocations, IdentityUrls urls,
        TimeProvider time)
    {
        var cancellationToken = context.RequestAborted;
        var form = await OAuthBodies.ReadFormAsync(context, "The introspection request must be application/x-www-form-urlencoded (RFC 7662 2.1).");
        var client = await ClientAuthentication.AuthenticateAsync(context, form, db, cancellationToken);
        if (client.SecretHash is null)
        {
            throw OAuthException.InvalidClient("Introspection is for confidential clients: register one with token_endpoint_auth_method client_secret_basic.");
        }

        var token = form["token"].ToString();
        if (token.Length == 0)
        {
            throw OAuthException.InvalidRequest("token is missing.");
        }

        var issuer = urls.Issuer(context.Request);
        var hash = Secrets.HashHex(token);
        var refresh = await db.Set<RefreshTokenRecord>().AsNoTracking().FirstOrDefaultAsync(t => t.Id == hash, cancellationToken);
        if (refresh is not null)
        {
            var grant = await db.Set<OAuthGrantRecord>().AsNoTracking().FirstAsync(g => g.Id == refresh.GrantId, cancellationToken);
            var active = MayLearnAbout(client, grant.ClientId)
                && refresh.RotatedAt is null && refresh.ExpiresAt > time.GetUtcNow() && !await revocations.IsRevokedAsync(grant.Id, cancellationToken);
            await WriteAsync(context, active, grant.Scopes, grant.ClientId, grant.UserId ?? grant.ClientId, refresh.ExpiresAt, grant.Resource, issuer, "refresh_token");
            return;
        }

        var check = await accessTokens.CheckAsync(token, issuer, null, cancellationToken);
        await WriteAsync(context, check.Principal is not null && MayLearnAbout(client, check.ClientId), string.Join(' ', check.Principal?.Scopes ?? new HashSet<string>()),
            check.ClientId, check.Principal?.Id, check.ExpiresAt, check.Audience, issuer, "Bearer");
    }

    private static bool MayLearnAbout(OAuthClientRecord caller, string? tokenClientId)
        => caller.Id == tokenClientId || (caller.MayIntrospect && caller.OperatorRegistered);

    private static Task WriteAsync(HttpContext context, bool active, string scope, string? clientId, string? subject, DateTimeOffset? expiresAt, string? audience,
        string issuer, string tokenType)
        => OAuthJson.WriteAsync(context, StatusCodes.Status200OK, json =>
        {
            json.WriteBoolean("active", active);
            if (!active)
            {
                return;
            }

            json.WriteString("scope", scope);
            json.WriteString("client_id", clientId);
            json.WriteString("sub", subject);
            json.WriteString("aud", audience);
            json.WriteString("iss", issuer);
            json.WriteString("token_type", tokenType);
            json.WriteNumber("exp", expiresAt!.Value.ToUnixTimeSeconds());
        });
}

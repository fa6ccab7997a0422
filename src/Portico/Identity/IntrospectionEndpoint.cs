using Microsoft.EntityFrameworkCore;
using Portico.Storage;

namespace Portico.Identity;

/// <summary>Token introspection (RFC 7662), for confidential clients (resource servers and back ends): active or not, and what the token may do.</summary>
internal static class IntrospectionEndpoint
{
    public static async Task HandleAsync(HttpContext context, PorticoDbContext db, AccessTokens accessTokens, GrantRevocations revocations, IdentityUrls urls,
        TimeProvider time)
    {
        if (!context.Request.HasFormContentType)
        {
            throw OAuthException.InvalidRequest("The introspection request must be application/x-www-form-urlencoded (RFC 7662 2.1).");
        }

        var cancellationToken = context.RequestAborted;
        var form = await OAuthBodies.ReadFormAsync(context, cancellationToken);
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
        var refresh = await db.RefreshTokens.AsNoTracking().FirstOrDefaultAsync(t => t.Id == hash, cancellationToken);
        if (refresh is not null)
        {
            var grant = await db.OAuthGrants.AsNoTracking().FirstAsync(g => g.Id == refresh.GrantId, cancellationToken);
            var active = refresh.RotatedAt is null && refresh.ExpiresAt > time.GetUtcNow() && !await revocations.IsRevokedAsync(grant.Id, cancellationToken);
            await WriteAsync(context, active, grant.Scopes, grant.ClientId, grant.UserId ?? grant.ClientId, refresh.ExpiresAt, grant.Resource, issuer, "refresh_token");
            return;
        }

        var check = await accessTokens.CheckAsync(token, issuer, null, cancellationToken);
        await WriteAsync(context, check.Principal is not null, string.Join(' ', check.Principal?.Scopes ?? new HashSet<string>()), check.ClientId, check.Principal?.Id,
            check.ExpiresAt, check.Audience, issuer, "Bearer");
    }

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

using Microsoft.EntityFrameworkCore;
using Portico.Hosting;
using Portico.Storage;

namespace Portico.Identity;

/// <summary>
/// <c>/oauth/token</c>: dispatches to the registered <see cref="IGrantType"/> — authorization_code (PKCE S256), refresh_token
/// (rotated; reuse revokes the family), client_credentials (confidential clients) and device_code. Every <c>invalid_grant</c>
/// says which cause applies, and a refused request issues nothing.
/// </summary>
internal static partial class TokenEndpoint
{
    public static async Task HandleAsync(HttpContext context, PorticoDbContext db, GrantTypes grants)
    {
        var form = await OAuthBodies.ReadFormAsync(context, "The token request must be application/x-www-form-urlencoded (RFC 6749 3.2).");
        var values = form["grant_type"];
        if (values.Count > 1)
        {
            // RFC 6749 3.2: request parameters must not be included more than once.
            throw OAuthException.InvalidRequest("grant_type is repeated; send it once.");
        }

        var grantType = values.ToString();
        if (grantType.Length == 0)
        {
            throw OAuthException.InvalidRequest("grant_type is missing.");
        }

        var grant = grants.Find(grantType) ?? throw new OAuthException("unsupported_grant_type",
            $"grant_type '{grantType}' is not supported. Supported: {string.Join(", ", grants.Names)} (OAuth 2.1 has no password or implicit grant).");
        var client = await ClientAuthentication.AuthenticateAsync(context, form, db, context.RequestAborted);
        await grant.HandleAsync(context, form, client);
    }

    /// <summary>RFC 8628 3.4: one poll; <see cref="DeviceAuthorization.PollAsync"/> throws pending, slow_down, expired or denied.</summary>
    internal static async Task DeviceCodeAsync(HttpContext context, IFormCollection form, OAuthClientRecord client, IdentityUrls urls, TokenIssuer issuer, DeviceAuthorization devices)
    {
        var cancellationToken = context.RequestAborted;
        var presented = form["device_code"].ToString();
        if (presented.Length == 0)
        {
            throw OAuthException.InvalidRequest("device_code is missing.");
        }

        var code = await devices.FindAsync(presented, cancellationToken);
        // A session's device code is never shown to anyone (the authenticate tool polls it itself), so presenting one means it was not issued here.
        if (code is null || code.SessionId is not null)
        {
            throw OAuthException.InvalidGrant($"The device code is invalid: it was not issued by this server. Start a new device authorization at {DeviceFlow.AuthorizationPath}.");
        }

        if (code.ClientId != client.Id)
        {
            throw OAuthException.InvalidGrant("The device code was issued to another client.");
        }

        var (grant, refresh) = await devices.PollAsync(code, withRefreshToken: true, cancellationToken);
        await issuer.WriteResponseAsync(context, urls.Issuer(context.Request), grant, grant.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries), refresh);
    }

    internal static async Task AuthorizationCodeAsync(HttpContext context, IFormCollection form, OAuthClientRecord client, PorticoDbContext db, IdentityUrls urls,
        TokenIssuer issuer, GrantRevocations revocations, TimeProvider time, ILogger logger)
    {
        var cancellationToken = context.RequestAborted;
        var presented = form["code"].ToString();
        if (presented.Length == 0)
        {
            throw OAuthException.InvalidRequest("code is missing.");
        }

        var code = await db.Set<AuthorizationCodeRecord>().AsNoTracking().FirstOrDefaultAsync(c => c.Id == Secrets.HashHex(presented), cancellationToken)
            ?? throw OAuthException.InvalidGrant("The authorization code is invalid: it was not issued by this server. Restart the authorization.");
        if (code.ClientId != client.Id)
        {
            throw OAuthException.InvalidGrant("The authorization code was issued to another client.");
        }

        if (code.UsedAt is not null)
        {
            await RevokeReplayedAsync(db, code, revocations, logger, cancellationToken);
            throw OAuthException.InvalidGrant("The authorization code was already used. Codes are single-use; the tokens issued with it are now revoked. Restart the authorization.");
        }

        var now = time.GetUtcNow();
        if (code.ExpiresAt <= now)
        {
            throw OAuthException.InvalidGrant(
                $"The authorization code expired: codes are valid for {(int)(code.ExpiresAt - code.CreatedAt).TotalSeconds} seconds. Restart the authorization and exchange the code at once.");
        }

        if (form["redirect_uri"].ToString() is var redirectUri && redirectUri != code.RedirectUri)
        {
            throw OAuthException.InvalidGrant(
                $"redirect_uri mismatch: the token request sent '{redirectUri}', the authorization request used '{code.RedirectUri}'. They must be identical.");
        }

        var verifier = form["code_verifier"].ToString();
        if (verifier.Length == 0)
        {
            throw OAuthException.InvalidGrant("PKCE verification failed: code_verifier is missing. Send the verifier whose S256 challenge you sent to /oauth/authorize.");
        }

        if (!Pkce.IsValidVerifier(verifier) || !Pkce.Matches(verifier, code.CodeChallenge))
        {
            throw OAuthException.InvalidGrant(
                "PKCE verification failed: code_verifier does not match the code_challenge sent to /oauth/authorize. Keep the verifier across the redirect.");
        }

        if (form["resource"].ToString() is { Length: > 0 } resource && urls.ValidateResource(context.Request, resource) != code.Resource)
        {
            throw new OAuthException("invalid_target", $"The code was issued for resource '{code.Resource}', not '{resource}'.");
        }

        var grant = await issuer.NewGrantAsync(db, client.Id, code.UserId, code.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries), code.Resource, actingForItself: false, cancellationToken);
        var refresh = issuer.NewRefreshToken(db, grant);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // The conditional update decides between two racing redemptions, on any instance: only one sees one row.
        var claimed = await db.Set<AuthorizationCodeRecord>().Where(c => c.Id == code.Id && c.UsedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.UsedAt, now).SetProperty(c => c.GrantId, grant.Id), cancellationToken);
        if (claimed == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            db.ChangeTracker.Clear();
            await RevokeReplayedAsync(db, code, revocations, logger, cancellationToken);
            throw OAuthException.InvalidGrant("The authorization code was already used. Codes are single-use; the tokens issued with it are now revoked. Restart the authorization.");
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await issuer.WriteResponseAsync(context, urls.Issuer(context.Request), grant, grant.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries), refresh);
    }

    private static async Task RevokeReplayedAsync(PorticoDbContext db, AuthorizationCodeRecord code, GrantRevocations revocations, ILogger logger, CancellationToken cancellationToken)
    {
        var grantId = await db.Set<AuthorizationCodeRecord>().Where(c => c.Id == code.Id).Select(c => c.GrantId).FirstOrDefaultAsync(cancellationToken);
        LogCodeReplay(logger, code.ClientId, grantId ?? "-");
        if (grantId is not null)
        {
            await revocations.RevokeAsync(db, grantId, cancellationToken);
        }
    }

    internal static async Task RefreshAsync(HttpContext context, IFormCollection form, OAuthClientRecord client, PorticoDbContext db, IdentityUrls urls, TokenIssuer issuer,
        GrantRevocations revocations, TimeProvider time, ILogger logger)
    {
        var cancellationToken = context.RequestAborted;
        var presented = form["refresh_token"].ToString();
        if (presented.Length == 0)
        {
            throw OAuthException.InvalidRequest("refresh_token is missing.");
        }

        var token = await db.Set<RefreshTokenRecord>().AsNoTracking().FirstOrDefaultAsync(t => t.Id == Secrets.HashHex(presented), cancellationToken)
            ?? throw OAuthException.InvalidGrant("The refresh token is invalid: it was not issued by this server. Sign in again.");
        var grant = await db.Set<OAuthGrantRecord>().FirstAsync(g => g.Id == token.GrantId, cancellationToken);
        if (grant.ClientId != client.Id)
        {
            throw OAuthException.InvalidGrant("The refresh token was issued to another client.");
        }

        if (grant.RevokedAt is not null)
        {
            throw OAuthException.InvalidGrant("The refresh token was revoked. Sign in again.");
        }

        var now = time.GetUtcNow();
        if (token.RotatedAt is null && token.ExpiresAt <= now)
        {
            throw OAuthException.InvalidGrant("The refresh token expired. Sign in again.");
        }

        var granted = grant.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        IReadOnlyCollection<string> scopes = granted;
        if (form["scope"].ToString() is { Length: > 0 } requested)
        {
            var narrowed = OAuthScopes.Parse(requested);
            if (narrowed.FirstOrDefault(s => !granted.Contains(s)) is { } extra)
            {
                throw new OAuthException("invalid_scope", $"Scope '{extra}' was not granted to this refresh token (granted: {grant.Scopes}). Sign in again to ask for more.");
            }

            scopes = narrowed;
        }

        var rotated = token.RotatedAt is null
            && await db.Set<RefreshTokenRecord>().Where(t => t.Id == token.Id && t.RotatedAt == null).ExecuteUpdateAsync(s => s.SetProperty(t => t.RotatedAt, now), cancellationToken) == 1;
        if (!rotated)
        {
            LogRefreshReuse(logger, client.Id, grant.Id);
            await revocations.RevokeAsync(db, grant.Id, cancellationToken);
            throw OAuthException.InvalidGrant(
                "Refresh token reused: it was already exchanged (tokens rotate on every use), so it may have been stolen. Every token of this sign-in is now revoked; sign in again.");
        }

        var refresh = issuer.NewRefreshToken(db, grant);
        await db.SaveChangesAsync(cancellationToken);
        await issuer.WriteResponseAsync(context, urls.Issuer(context.Request), grant, scopes, refresh);
    }

    internal static async Task ClientCredentialsAsync(HttpContext context, IFormCollection form, OAuthClientRecord client, PorticoDbContext db, IdentityUrls urls, TokenIssuer issuer)
    {
        if (client.SecretHash is null)
        {
            throw new OAuthException("unauthorized_client", "client_credentials is only for confidential clients; a public client signs a user in with authorization_code.");
        }

        if (!client.GrantTypes.Split(' ').Contains("client_credentials"))
        {
            throw new OAuthException("unauthorized_client", "This client is not registered for client_credentials (grant_types).");
        }

        // Also refuses rows of earlier builds, where any client could register itself for this grant.
        if (!client.OperatorRegistered || client.ServiceUserId is null || client.TenantId is null || client.Scope is null)
        {
            throw new OAuthException("unauthorized_client",
                "client_credentials is only for clients an operator registered with a service principal, a tenant and scopes "
                + "(portico clients add --confidential --service-principal EMAIL --tenant ID --scopes …). This client acts only for users who sign in through it.");
        }

        var scopes = OAuthScopes.ParseFor(client, form["scope"].ToString());

        // No refresh token: the client holds its own credentials and asks again (RFC 6749 4.4.3).
        var resource = urls.ValidateResource(context.Request, form["resource"].ToString());
        var grant = await issuer.NewGrantAsync(db, client.Id, client.ServiceUserId, scopes, resource, actingForItself: true, context.RequestAborted);
        await db.SaveChangesAsync(context.RequestAborted);
        await issuer.WriteResponseAsync(context, urls.Issuer(context.Request), grant, grant.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries), null, client.TenantId);
    }

    [LoggerMessage(EventId = 720, Level = LogLevel.Warning, Message = "Authorization code replayed by client {ClientId}: revoking grant {GrantId}")]
    private static partial void LogCodeReplay(ILogger logger, LogValue clientId, string grantId);

    [LoggerMessage(EventId = 721, Level = LogLevel.Warning, Message = "Refresh token reused by client {ClientId}: revoking grant {GrantId}")]
    private static partial void LogRefreshReuse(ILogger logger, LogValue clientId, string grantId);
}

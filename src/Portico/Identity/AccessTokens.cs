using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Portico.Access;

namespace Portico.Identity;

/// <summary>
/// Issues and checks access tokens: ES256 JWTs (RFC 9068 <c>at+jwt</c>) bound to one MCP resource.
/// Lifetime is checked against <see cref="TimeProvider"/>, not the library's clock, so tests move time.
/// </summary>
internal sealed class AccessTokens(SigningKeys keys, GrantRevocations revocations, TimeProvider time, IOptionsMonitor<IdentityOptions> options)
{
    public const string TokenType = "at+jwt";
    private const string GrantClaim = "gid";

    /// <summary>The tenant a client_credentials token is bound to (<see cref="Principal.BoundTenantId"/>).</summary>
    private const string TenantClaim = "tenant_id";

    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    public TimeSpan Lifetime => options.CurrentValue.AccessTokenLifetime;

    public async Task<string> IssueAsync(string issuer, string audience, string subject, string clientId, IEnumerable<string> scopes, string grantId, string? tenantId,
        CancellationToken cancellationToken)
    {
        var key = await keys.GetSigningKeyAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var claims = new Dictionary<string, object>
        {
            ["sub"] = subject,
            ["client_id"] = clientId,
            ["scope"] = OAuthScopes.Format(scopes),
            ["jti"] = Secrets.Base64Url(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)),
            [GrantClaim] = grantId,
        };
        if (tenantId is not null)
        {
            claims[TenantClaim] = tenantId;
        }

        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + Lifetime,
            TokenType = TokenType,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.EcdsaSha256),
            Claims = claims,
        });
    }

    /// <summary>Checks signature, type, issuer, audience (unless null: introspection and revocation), lifetime and revocation, in that order, and says which failed.</summary>
    public async Task<AccessTokenCheck> CheckAsync(string token, string issuer, string? audience, CancellationToken cancellationToken)
    {
        if (!_handler.CanReadToken(token))
        {
            return AccessTokenCheck.Refused("The access token is malformed: expected a JWT issued by this server.");
        }

        JsonWebToken jwt;
        try
        {
            jwt = _handler.ReadJsonWebToken(token);
        }
        catch (ArgumentException)
        {
            return AccessTokenCheck.Refused("The access token is malformed: expected a JWT issued by this server.");
        }

        var validation = await _handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            IssuerSigningKeys = await keys.GetValidationKeysAsync(jwt.Kid, cancellationToken),
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
            ValidTypes = [TokenType],
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = false,
        });
        if (!validation.IsValid)
        {
            return AccessTokenCheck.Refused(validation.Exception is SecurityTokenInvalidTypeException
                ? "The token is not an access token (typ must be at+jwt)."
                : "The access token signature is invalid: it was altered or not issued by this server.");
        }

        if (jwt.Issuer != issuer)
        {
            return AccessTokenCheck.Refused($"The access token was issued by '{jwt.Issuer}', not by this server ('{issuer}').");
        }

        if (audience is not null && !jwt.Audiences.Contains(audience, StringComparer.Ordinal))
        {
            return AccessTokenCheck.Refused($"The access token is for '{string.Join(", ", jwt.Audiences)}', not for this resource '{audience}'. Request a token with resource={audience}.");
        }

        var now = time.GetUtcNow();
        if (jwt.ValidTo == DateTime.MinValue || new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero) <= now)
        {
            return AccessTokenCheck.Refused($"The access token expired at {jwt.ValidTo:yyyy-MM-ddTHH:mm:ssZ}. Refresh it or sign in again.");
        }

        if (!jwt.TryGetPayloadValue<string>(GrantClaim, out var grantId) || await revocations.IsRevokedAsync(grantId, cancellationToken))
        {
            return AccessTokenCheck.Refused("The access token was revoked. Sign in again.");
        }

        jwt.TryGetPayloadValue<string>("scope", out var scope);
        jwt.TryGetPayloadValue<string>("client_id", out var clientId);
        jwt.TryGetPayloadValue<string>(TenantClaim, out var tenantId);
        return new AccessTokenCheck(new Principal
        {
            Id = jwt.Subject,
            Kind = Principal.OAuthKind,
            // The grant (one sign-in and its refresh-token family), not the jti: a refreshed token is the same credential,
            // so per-credential limits and audit follow it across refreshes.
            CredentialId = grantId,
            Scopes = new HashSet<string>((scope ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal),
            BoundTenantId = tenantId,
        }, null)
        {
            ClientId = clientId,
            GrantId = grantId,
            ExpiresAt = new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero),
            Audience = jwt.Audiences.FirstOrDefault(),
        };
    }
}

using System.Text.Json;

namespace Portico.Gateway;

/// <summary>
/// What Portico holds for one user at an oauth upstream. Stored as the secret of an
/// <see cref="UpstreamCredentialRecord"/> (owner kind <c>oauth</c>), so it is encrypted and
/// invalidated exactly like the other stored credentials.
/// </summary>
internal sealed record UpstreamOAuthTokens(string AccessToken, string? RefreshToken, DateTimeOffset? ExpiresAt)
{
    /// <summary>Refreshed this long before it expires, so a call never leaves with a token about to lapse.</summary>
    public static readonly TimeSpan Skew = TimeSpan.FromSeconds(30);

    public bool ExpiredAt(DateTimeOffset now) => ExpiresAt is { } expires && now >= expires - Skew;

    public string Serialize() => JsonSerializer.Serialize(this, GatewayJsonContext.Default.UpstreamOAuthTokens);

    public static UpstreamOAuthTokens Parse(string secret)
        => JsonSerializer.Deserialize(secret, GatewayJsonContext.Default.UpstreamOAuthTokens)
            ?? throw new JsonException("The stored OAuth tokens are empty.");

    /// <summary>Never the tokens: records print every property by default.</summary>
    public override string ToString() => $"OAuth tokens (expires {ExpiresAt:O})";
}

using Portico.Storage;

namespace Portico.Identity;

/// <summary>Device Authorization Grant (RFC 8628): not yet available; the token endpoint says so.</summary>
internal sealed class DeviceAuthorization
{
    private readonly string _grantType = DeviceFlow.GrantType;

    public Task<OAuthGrantRecord> RedeemAsync(string deviceCode, OAuthClientRecord client, CancellationToken cancellationToken)
        => throw new OAuthException("unsupported_grant_type", $"{_grantType} is not available on this server yet.");
}

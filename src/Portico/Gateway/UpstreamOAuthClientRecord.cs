namespace Portico.Gateway;

/// <summary>
/// Portico's registration (RFC 7591) at the authorization server of an upstream in credential mode
/// <c>oauth</c>, with the endpoints discovered for it, so refreshing a token needs no discovery.
/// A confidential registration's secret is Data Protection ciphertext.
/// </summary>
internal sealed class UpstreamOAuthClientRecord
{
    public required string Upstream { get; set; }

    public required string Issuer { get; set; }

    public required string AuthorizationEndpoint { get; set; }

    public required string TokenEndpoint { get; set; }

    /// <summary>The RFC 8707 resource (from the upstream's protected-resource metadata) tokens are asked for.</summary>
    public required string Resource { get; set; }

    /// <summary>The callback registered; a Portico reached under another address registers again.</summary>
    public required string RedirectUri { get; set; }

    public required string ClientId { get; set; }

    public byte[]? ClientSecret { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

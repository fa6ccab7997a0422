namespace Portico.Connectors;

/// <summary>
/// Portico's client registration at an OAuth connector's provider (RFC 7591 dynamic registration), once per connector,
/// provider and callback URL; the endpoints found by discovery; the client secret as Data Protection ciphertext.
/// </summary>
internal sealed class ConnectorOAuthClientRecord
{
    public required string Connector { get; set; }

    /// <summary><see cref="ConnectorOAuthScheme.Provider"/> at registration: another provider in a reloaded document registers anew.</summary>
    public required string Provider { get; set; }

    /// <summary>The authorization server's issuer, when its metadata named one (checked against the callback's <c>iss</c>, RFC 9207).</summary>
    public string? Issuer { get; set; }

    public required string AuthorizationEndpoint { get; set; }

    public required string TokenEndpoint { get; set; }

    /// <summary>The OpenID Connect userinfo endpoint, when announced: where the connected account's subject is read.</summary>
    public string? UserinfoEndpoint { get; set; }

    public required string RedirectUri { get; set; }

    public required string ClientId { get; set; }

    public byte[]? ClientSecret { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

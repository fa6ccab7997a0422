namespace Portico.Identity;

/// <summary>An OAuth client, registered dynamically or by an administrator. Only a SHA-256 of a confidential client's secret is kept.</summary>
internal sealed class OAuthClientRecord
{
    /// <summary>The <c>client_id</c>.</summary>
    public required string Id { get; set; }

    /// <summary>Null for a public client.</summary>
    public byte[]? SecretHash { get; set; }

    public string? Name { get; set; }

    /// <summary><c>none</c>, <c>client_secret_basic</c> or <c>client_secret_post</c>.</summary>
    public required string AuthMethod { get; set; }

    /// <summary>Space-separated; a redirect URI never contains a space.</summary>
    public required string RedirectUris { get; set; }

    /// <summary>Space-separated.</summary>
    public required string GrantTypes { get; set; }

    /// <summary>Space-separated scopes the client may ask for; null for all.</summary>
    public string? Scope { get; set; }

    /// <summary>
    /// Added by an operator (<c>portico clients add</c>) or built in: its name is vouched for. False for a client that
    /// registered itself (<c>/oauth/register</c>) or is known by a metadata document URL — the pages mark those unverified.
    /// </summary>
    public bool OperatorRegistered { get; set; }

    /// <summary>For <c>client_credentials</c> (operator clients only): the user its tokens act as.</summary>
    public string? ServiceUserId { get; set; }

    /// <summary>For <c>client_credentials</c>: the tenant its tokens are bound to.</summary>
    public string? TenantId { get; set; }

    /// <summary>A resource server an operator allowed to introspect any token (<c>--introspection</c>); others see only their own tokens.</summary>
    public bool MayIntrospect { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

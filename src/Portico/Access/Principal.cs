namespace Portico.Access;

/// <summary>Who is calling: the user, the credential that proved it, what it may do, and a tenant it is bound to.</summary>
internal sealed record Principal
{
    public const string ApiKeyKind = "api_key";
    public const string OAuthKind = "oauth";
    public const string AnonymousKind = "anonymous";
    public const string BrowserKind = "browser";

    /// <summary>A caller without credentials: only in development mode (<c>serve --conformance</c>) and from loopback.</summary>
    public static readonly Principal Anonymous = new()
    {
        Id = "anonymous",
        Kind = AnonymousKind,
        Scopes = new HashSet<string>(Access.Scopes.AllAreaScopes, StringComparer.Ordinal),
    };

    /// <summary>Sessions belong to this id: the user (the same user with another credential may continue a session).</summary>
    public required string Id { get; init; }

    public required string Kind { get; init; }

    public string? Email { get; init; }

    public string? CredentialId { get; init; }

    public required IReadOnlySet<string> Scopes { get; init; }

    public string? BoundTenantId { get; init; }

    public bool IsAnonymous => Kind == AnonymousKind;
}

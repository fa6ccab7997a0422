using System.Text.Json.Serialization;

namespace Portico.Cli;

/// <summary>An OAuth client in <c>--json</c> output; <see cref="ClientSecret"/> only once, from <c>clients add</c> of a confidential client.</summary>
internal sealed record ClientOutput(string ClientId, string? Name, string Type, string TokenEndpointAuthMethod, IReadOnlyList<string> RedirectUris,
    IReadOnlyList<string> GrantTypes, string? Scope, DateTimeOffset CreatedAt)
{
    /// <summary>Added by an operator (or built in): its name is shown without the "unverified" marker.</summary>
    public bool Verified { get; init; }

    /// <summary>The user a client_credentials client's tokens act as.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ServiceUserId { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? TenantId { get; init; }

    /// <summary>May introspect any token, not only its own.</summary>
    public bool Introspection { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ClientSecret { get; init; }
}

using System.Text.Json.Serialization;

namespace Portico.Cli;

/// <summary>An OAuth client in <c>--json</c> output; <see cref="ClientSecret"/> only once, from <c>clients add</c> of a confidential client.</summary>
internal sealed record ClientOutput(string ClientId, string? Name, string Type, string TokenEndpointAuthMethod, IReadOnlyList<string> RedirectUris,
    IReadOnlyList<string> GrantTypes, string? Scope, DateTimeOffset CreatedAt)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ClientSecret { get; init; }
}

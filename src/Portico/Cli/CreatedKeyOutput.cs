namespace Portico.Cli;

/// <summary>A new API key in <c>--json</c> output, with the plaintext <see cref="Key"/> that is shown this once.</summary>
internal sealed record CreatedKeyOutput(string Id, string Key, string User, string? TenantId, IReadOnlyList<string> Scopes, DateTimeOffset? ExpiresAt);

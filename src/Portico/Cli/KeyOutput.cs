namespace Portico.Cli;

/// <summary>An API key in <c>--json</c> output: everything but the secret, which is never stored.</summary>
internal sealed record KeyOutput(string Id, string Name, string User, string Environment, string? TenantId, IReadOnlyList<string> Scopes,
    DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt, long UseCount);

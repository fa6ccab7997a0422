namespace Portico.Cli;

/// <summary>A user in <c>--json</c> output: whether a password is set, never the password or its hash.</summary>
internal sealed record UserOutput(string Id, string Email, string? DisplayName, bool HasPassword, bool IsAdmin, DateTimeOffset? LockedUntil, DateTimeOffset CreatedAt);

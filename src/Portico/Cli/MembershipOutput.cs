namespace Portico.Cli;

/// <summary>The outcome of <c>members add</c> and <c>members remove</c> in <c>--json</c> output; <see cref="Role"/> is null once removed.</summary>
internal sealed record MembershipOutput(string TenantId, string User, string? Role);

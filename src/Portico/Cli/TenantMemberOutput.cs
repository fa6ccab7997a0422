namespace Portico.Cli;

/// <summary>A member of a tenant in <c>--json</c> output.</summary>
internal sealed record TenantMemberOutput(string User, string Role);

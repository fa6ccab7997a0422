namespace Portico.Cli;

/// <summary>A tenant in <c>--json</c> output.</summary>
internal sealed record TenantOutput(string Id, string Name, string Plan, DateTimeOffset CreatedAt, IReadOnlyList<TenantMemberOutput> Members);

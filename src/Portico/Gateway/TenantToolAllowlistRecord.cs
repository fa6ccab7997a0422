namespace Portico.Gateway;

/// <summary>A tenant's allowlist of upstream tools (table <c>tenant_tool_allowlists</c>): catalog names or <c>prefix*</c> patterns, one per line.</summary>
internal sealed class TenantToolAllowlistRecord
{
    public required string TenantId { get; set; }

    public required string Patterns { get; set; }

    public string? UpdatedBy { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

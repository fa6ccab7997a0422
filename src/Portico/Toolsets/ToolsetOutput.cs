using Portico.Catalog;

namespace Portico.Toolsets;

/// <summary>A toolset as the admin API and the CLI show it.</summary>
internal sealed record ToolsetOutput(string Name, string? Title, string? Description, string? TenantId, string Endpoint,
    IReadOnlyList<ToolsetEntry> Tools, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string? UpdatedBy)
{
    public static ToolsetOutput From(ToolsetRecord record) => new(record.Name, record.Title, record.Description, record.TenantId,
        ToolsetNames.EndpointPath(record.Name), ToolsetAdmin.EntriesOf(record), record.CreatedAt, record.UpdatedAt, record.UpdatedBy);
}

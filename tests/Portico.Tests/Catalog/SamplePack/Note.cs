using Portico.Catalog;

namespace Portico.Tests.Catalog.SamplePack;

/// <summary>The sample pack's entity: a short note owned by one tenant.</summary>
internal sealed class Note : ITenantOwned
{
    public required string Id { get; init; }

    public string TenantId { get; set; } = "";

    public required string Text { get; set; }
}

using Portico.Catalog;
namespace Portico.Tools.Records;

/// <summary>
/// A tenant-owned JSON record (the records pack). Read and written only through
/// <see cref="Tools.Records.TenantRecords"/>, which scopes every statement to one tenant.
/// </summary>
internal sealed class RecordEntity : ITenantOwned
{
    public required string TenantId { get; set; }

    /// <summary>24 lowercase hex characters, unique within the tenant.</summary>
    public required string Id { get; set; }

    public required string Collection { get; set; }

    /// <summary>The record's JSON object, as text.</summary>
    public required string Data { get; set; }

    /// <summary>The user who created the record.</summary>
    public required string CreatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>1 when created; every update adds one (optimistic concurrency).</summary>
    public int Version { get; set; }

    /// <summary>The client's key for a create; unique per tenant, so a retried create returns the first record.</summary>
    public string? IdempotencyKey { get; set; }
}

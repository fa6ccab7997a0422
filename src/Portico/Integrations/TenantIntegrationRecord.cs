namespace Portico.Integrations;

/// <summary>
/// One tenant's secret for one integration. <see cref="Secret"/> is Data Protection ciphertext bound to this row's tenant
/// and integration, so it cannot be read in place of another row's.
/// </summary>
internal sealed class TenantIntegrationRecord
{
    public required string TenantId { get; set; }

    public required string Integration { get; set; }

    public required byte[] Secret { get; set; }

    /// <summary>New at every set: a handler that keeps a client per secret keys it by this, so a replaced secret is never reused.</summary>
    public required string Stamp { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>The user who stored it, or <c>cli</c>.</summary>
    public string? UpdatedBy { get; set; }
}

using Portico.Catalog;

namespace Portico.Tools.Records;

/// <summary>
/// An entity of a tenant: a JSON object of attributes of one model, versioned for optimistic concurrency. The records of
/// the first records pack are entities too (step 100201 moved them here): a record's collection is its entity's
/// <see cref="Model"/>, untyped unless the collection names one of the tenant's models. Read and written only through
/// <see cref="TenantEntities"/>, which scopes every statement to one tenant.
/// </summary>
internal sealed class EntityRow : ITenantOwned
{
    public required string TenantId { get; set; }

    /// <summary>24 lowercase hex characters (an OctoObjectId), unique within the tenant.</summary>
    public required string Id { get; set; }

    /// <summary>The model's id (Name-Version), or the collection of a record written by the record tools.</summary>
    public required string Model { get; set; }

    /// <summary>The attributes, a JSON object as text (the same text on both stores; PostgreSQL queries read it as jsonb).</summary>
    public required string Data { get; set; }

    /// <summary>The user who created the entity.</summary>
    public required string CreatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>1 when created; every update adds one (optimistic concurrency).</summary>
    public int Version { get; set; }

    /// <summary>
    /// When an entity of a publishable model is published (null: a draft, never published until a date is set). Whether it
    /// is published is computed from the clock when read (<see cref="Publication"/>): no job flips it on time.
    /// </summary>
    public DateTimeOffset? PublishAt { get; set; }

    /// <summary>When it stops being published (null: it stays published); always after <see cref="PublishAt"/>.</summary>
    public DateTimeOffset? UnpublishAt { get; set; }

    /// <summary>The client's key for a create; unique per tenant, so a retried create returns the first entity.</summary>
    public string? IdempotencyKey { get; set; }
}

using Portico.Catalog;

namespace Portico.Tools.Records;

/// <summary>
/// A model of a tenant: a named, versioned type (<see cref="ModelId"/>) whose entities' attributes follow
/// <see cref="Schema"/>. Immutable once stored: a changed schema is a new version, so entities never fall out of their
/// model. Read and written only through <see cref="TenantModels"/>.
/// </summary>
internal sealed class ModelRow : ITenantOwned
{
    public required string TenantId { get; set; }

    /// <summary>Name-Version, e.g. <c>Basic.Contact-1</c>; unique within the tenant.</summary>
    public required string Id { get; set; }

    public required string Name { get; set; }

    public int Version { get; set; }

    /// <summary>The JSON Schema (2020-12) of the attributes, as text.</summary>
    public required string Schema { get; set; }

    /// <summary>Display hints (<c>{"title": path, "columns": [paths]}</c>) as JSON text, or null.</summary>
    public string? Display { get; set; }

    /// <summary>Attribute paths to index, as a JSON array of strings.</summary>
    public required string Indexes { get; set; }

    /// <summary>Whether the model's entities carry publishAt/unpublishAt and a computed <c>published</c> state.</summary>
    public bool Publishable { get; set; }

    /// <summary><c>catalog</c> (imported from the built-in catalog) or <c>defined</c> (by define_model).</summary>
    public required string Origin { get; set; }

    public required string CreatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

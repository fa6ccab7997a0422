namespace Portico.Tools.Records;

/// <summary>A ready model of the built-in catalog (<see cref="ModelCatalog"/>): its definition and what it is for.</summary>
internal sealed record CatalogModel(ModelDefinition Definition, string Title, string Description);

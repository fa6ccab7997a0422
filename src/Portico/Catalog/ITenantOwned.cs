namespace Portico.Catalog;

/// <summary>An entity that belongs to one tenant. <see cref="TenantData{TEntity}"/> filters every query by this id and stamps it on every insert.</summary>
internal interface ITenantOwned
{
    string TenantId { get; set; }
}

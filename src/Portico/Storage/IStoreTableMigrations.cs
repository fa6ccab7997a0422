namespace Portico.Storage;

/// <summary>
/// Implemented by an entity configuration whose table is not in the core schema (a pack's): the steps that create and
/// change it, numbered from <see cref="StoreMigration.PackVersions"/>. <see cref="StoreEntities.AddStoreEntity"/>
/// registers them with the entity, so the table, its mapping and its migrations live in the pack's folder.
/// </summary>
internal interface IStoreTableMigrations
{
    IReadOnlyList<StoreMigration> Migrations { get; }
}

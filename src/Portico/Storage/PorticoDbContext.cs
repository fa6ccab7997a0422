using Microsoft.EntityFrameworkCore;

namespace Portico.Storage;

/// <summary>The store. Its model is the entities the features registered (<see cref="StoreEntities"/>).</summary>
internal sealed class PorticoDbContext(DbContextOptions<PorticoDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        var entities = options.FindExtension<StoreModelExtension>()?.Entities
            ?? throw new InvalidOperationException("PorticoDbContext was configured without AddPorticoStorage.");
        foreach (var entity in entities)
        {
            entity.Apply(modelBuilder);
        }
    }
}

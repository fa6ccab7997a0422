using Microsoft.EntityFrameworkCore;

namespace Portico.Storage;

internal sealed class PorticoDbContext(DbContextOptions<PorticoDbContext> options) : DbContext(options)
{
    public DbSet<SessionRecord> Sessions => Set<SessionRecord>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
        => modelBuilder.ApplyConfigurationsFromAssembly(typeof(PorticoDbContext).Assembly);
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portico.Storage;

internal sealed class StoreLeaseRecordConfiguration : IEntityTypeConfiguration<StoreLeaseRecord>
{
    public void Configure(EntityTypeBuilder<StoreLeaseRecord> builder)
    {
        builder.ToTable("store_leases");
        builder.HasKey(l => l.Name);
        builder.Property(l => l.Name).HasColumnName("name");
        builder.Property(l => l.Holder).HasColumnName("holder");
        builder.Property(l => l.Until).HasColumnName("until").HasConversion(StoreTime.Converter);
    }
}

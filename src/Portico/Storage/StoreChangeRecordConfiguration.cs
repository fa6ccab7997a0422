using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portico.Storage;

internal sealed class StoreChangeRecordConfiguration : IEntityTypeConfiguration<StoreChangeRecord>
{
    public void Configure(EntityTypeBuilder<StoreChangeRecord> builder)
    {
        builder.ToTable("store_changes");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).HasColumnName("id").ValueGeneratedOnAdd();
        builder.Property(c => c.Topic).HasColumnName("topic");
        builder.Property(c => c.Subject).HasColumnName("subject");
        builder.Property(c => c.At).HasColumnName("at").HasConversion(StoreTime.Converter);
        builder.HasIndex(c => c.At).HasDatabaseName("ix_store_changes_at");
    }
}

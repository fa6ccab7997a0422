using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Storage;

namespace Portico.Connectors;

internal sealed class ConnectorRecordConfiguration : IEntityTypeConfiguration<ConnectorRecord>
{
    public void Configure(EntityTypeBuilder<ConnectorRecord> builder)
    {
        builder.ToTable("connectors");
        builder.HasKey(c => c.Name);
        builder.Property(c => c.Name).HasColumnName("name");
        builder.Property(c => c.SourceUrl).HasColumnName("source_url");
        builder.Property(c => c.BaseUrl).HasColumnName("base_url");
        builder.Property(c => c.Document).HasColumnName("document");
        builder.Property(c => c.Hash).HasColumnName("hash");
        builder.Property(c => c.CreatedAt).HasColumnName("created_at").HasConversion(StoreTime.Converter);
        builder.Property(c => c.UpdatedAt).HasColumnName("updated_at").HasConversion(StoreTime.Converter);
        builder.Property(c => c.UpdatedBy).HasColumnName("updated_by");
    }
}

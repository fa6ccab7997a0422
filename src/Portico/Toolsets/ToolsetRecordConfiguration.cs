using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Storage;

namespace Portico.Toolsets;

internal sealed class ToolsetRecordConfiguration : IEntityTypeConfiguration<ToolsetRecord>
{
    public void Configure(EntityTypeBuilder<ToolsetRecord> builder)
    {
        builder.ToTable("toolsets");
        builder.HasKey(t => t.Name);
        builder.Property(t => t.Name).HasColumnName("name");
        builder.Property(t => t.Title).HasColumnName("title");
        builder.Property(t => t.Description).HasColumnName("description");
        builder.Property(t => t.TenantId).HasColumnName("tenant_id");
        builder.Property(t => t.Entries).HasColumnName("entries");
        builder.Property(t => t.CreatedAt).HasColumnName("created_at").HasConversion(StoreTime.Converter);
        builder.Property(t => t.UpdatedAt).HasColumnName("updated_at").HasConversion(StoreTime.Converter);
        builder.Property(t => t.UpdatedBy).HasColumnName("updated_by");
        builder.HasIndex(t => t.TenantId).HasDatabaseName("ix_toolsets_tenant_id");
    }
}

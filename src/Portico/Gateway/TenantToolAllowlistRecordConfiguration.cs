using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Storage;

namespace Portico.Gateway;

internal sealed class TenantToolAllowlistRecordConfiguration : IEntityTypeConfiguration<TenantToolAllowlistRecord>
{
    public void Configure(EntityTypeBuilder<TenantToolAllowlistRecord> builder)
    {
        builder.ToTable("tenant_tool_allowlists");
        builder.HasKey(a => a.TenantId);
        builder.Property(a => a.TenantId).HasColumnName("tenant_id");
        builder.Property(a => a.Patterns).HasColumnName("patterns");
        builder.Property(a => a.UpdatedBy).HasColumnName("updated_by");
        builder.Property(a => a.UpdatedAt).HasColumnName("updated_at").HasConversion(StoreTime.Converter);
    }
}

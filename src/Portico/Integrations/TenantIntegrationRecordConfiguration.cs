using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Storage;

namespace Portico.Integrations;

internal sealed class TenantIntegrationRecordConfiguration : IEntityTypeConfiguration<TenantIntegrationRecord>
{
    public void Configure(EntityTypeBuilder<TenantIntegrationRecord> builder)
    {
        builder.ToTable("tenant_integrations");
        builder.HasKey(i => new { i.TenantId, i.Integration });
        builder.Property(i => i.TenantId).HasColumnName("tenant_id");
        builder.Property(i => i.Integration).HasColumnName("integration");
        builder.Property(i => i.Secret).HasColumnName("secret");
        builder.Property(i => i.Stamp).HasColumnName("stamp");
        builder.Property(i => i.CreatedAt).HasColumnName("created_at").HasConversion(StoreTime.Converter);
        builder.Property(i => i.UpdatedAt).HasColumnName("updated_at").HasConversion(StoreTime.Converter);
        builder.Property(i => i.UpdatedBy).HasColumnName("updated_by");
    }
}

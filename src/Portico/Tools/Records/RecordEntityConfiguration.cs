using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Storage;

namespace Portico.Tools.Records;

internal sealed class RecordEntityConfiguration : IEntityTypeConfiguration<RecordEntity>
{
    public void Configure(EntityTypeBuilder<RecordEntity> builder)
    {
        builder.ToTable("records");
        builder.HasKey(r => new { r.TenantId, r.Id });
        builder.Property(r => r.TenantId).HasColumnName("tenant_id");
        builder.Property(r => r.Id).HasColumnName("id");
        builder.Property(r => r.Collection).HasColumnName("collection");
        builder.Property(r => r.Data).HasColumnName("data");
        builder.Property(r => r.CreatedBy).HasColumnName("created_by");
        builder.Property(r => r.CreatedAt).HasColumnName("created_at").HasConversion(StoreTime.Converter);
        builder.Property(r => r.UpdatedAt).HasColumnName("updated_at").HasConversion(StoreTime.Converter);
        builder.Property(r => r.Version).HasColumnName("version");
        builder.Property(r => r.IdempotencyKey).HasColumnName("idempotency_key");
        builder.HasIndex(r => new { r.TenantId, r.IdempotencyKey }).IsUnique().HasFilter("idempotency_key IS NOT NULL");
    }
}

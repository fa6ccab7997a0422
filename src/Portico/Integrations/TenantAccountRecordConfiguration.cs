using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Storage;

namespace Portico.Integrations;

internal sealed class TenantAccountRecordConfiguration : IEntityTypeConfiguration<TenantAccountRecord>
{
    public void Configure(EntityTypeBuilder<TenantAccountRecord> builder)
    {
        builder.ToTable("tenant_integration_accounts");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).HasColumnName("id");
        builder.Property(a => a.TenantId).HasColumnName("tenant_id");
        builder.Property(a => a.Integration).HasColumnName("integration");
        builder.Property(a => a.Label).HasColumnName("label");
        builder.Property(a => a.Subject).HasColumnName("subject");
        builder.Property(a => a.Tokens).HasColumnName("tokens");
        builder.Property(a => a.Stamp).HasColumnName("stamp");
        builder.Property(a => a.RefreshClaimedUntil).HasColumnName("refresh_claimed_until").HasConversion(StoreTime.NullableConverter);
        builder.Property(a => a.InvalidAt).HasColumnName("invalid_at").HasConversion(StoreTime.NullableConverter);
        builder.Property(a => a.InvalidReason).HasColumnName("invalid_reason");
        builder.Property(a => a.ConnectedAt).HasColumnName("connected_at").HasConversion(StoreTime.Converter);
        builder.Property(a => a.ConnectedBy).HasColumnName("connected_by");
        builder.Property(a => a.UpdatedAt).HasColumnName("updated_at").HasConversion(StoreTime.Converter);
        builder.HasIndex(a => new { a.TenantId, a.Integration }).HasDatabaseName("ix_tenant_integration_accounts_tenant");
    }
}

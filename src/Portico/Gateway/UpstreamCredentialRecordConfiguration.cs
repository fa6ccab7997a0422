using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Storage;

namespace Portico.Gateway;

internal sealed class UpstreamCredentialRecordConfiguration : IEntityTypeConfiguration<UpstreamCredentialRecord>
{
    public void Configure(EntityTypeBuilder<UpstreamCredentialRecord> builder)
    {
        builder.ToTable("upstream_credentials");
        builder.HasKey(c => new { c.Upstream, c.OwnerKind, c.OwnerId });
        builder.Property(c => c.Upstream).HasColumnName("upstream");
        builder.Property(c => c.OwnerKind).HasColumnName("owner_kind");
        builder.Property(c => c.OwnerId).HasColumnName("owner_id");
        builder.Property(c => c.Secret).HasColumnName("secret");
        builder.Property(c => c.Stamp).HasColumnName("stamp");
        builder.Property(c => c.UpdatedBy).HasColumnName("updated_by");
        builder.Property(c => c.CreatedAt).HasColumnName("created_at").HasConversion(StoreTime.Converter);
        builder.Property(c => c.UpdatedAt).HasColumnName("updated_at").HasConversion(StoreTime.Converter);
        builder.Property(c => c.InvalidAt).HasColumnName("invalid_at").HasConversion(StoreTime.NullableConverter);
        builder.Property(c => c.InvalidReason).HasColumnName("invalid_reason");
    }
}

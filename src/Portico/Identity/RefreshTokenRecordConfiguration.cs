using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Storage;

namespace Portico.Identity;

internal sealed class RefreshTokenRecordConfiguration : IEntityTypeConfiguration<RefreshTokenRecord>
{
    public void Configure(EntityTypeBuilder<RefreshTokenRecord> builder)
    {
        builder.ToTable("oauth_refresh_tokens");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).HasColumnName("id");
        builder.Property(r => r.GrantId).HasColumnName("grant_id");
        builder.Property(r => r.CreatedAt).HasColumnName("created_at").HasConversion(StoreTime.Converter);
        builder.Property(r => r.ExpiresAt).HasColumnName("expires_at").HasConversion(StoreTime.Converter);
        builder.Property(r => r.RotatedAt).HasColumnName("rotated_at").HasConversion(StoreTime.NullableConverter);
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Storage;

namespace Portico.Identity;

internal sealed class OAuthGrantRecordConfiguration : IEntityTypeConfiguration<OAuthGrantRecord>
{
    public void Configure(EntityTypeBuilder<OAuthGrantRecord> builder)
    {
        builder.ToTable("oauth_grants");
        builder.HasKey(o => o.Id);
        builder.Property(o => o.Id).HasColumnName("id");
        builder.Property(o => o.ClientId).HasColumnName("client_id");
        builder.Property(o => o.UserId).HasColumnName("user_id");
        builder.Property(o => o.Scopes).HasColumnName("scopes");
        builder.Property(o => o.Resource).HasColumnName("resource");
        builder.Property(o => o.CreatedAt).HasColumnName("created_at").HasConversion(StoreTime.Converter);
        builder.Property(o => o.RevokedAt).HasColumnName("revoked_at").HasConversion(StoreTime.NullableConverter);
    }
}

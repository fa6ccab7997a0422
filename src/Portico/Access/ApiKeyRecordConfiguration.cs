using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Storage;

namespace Portico.Access;

internal sealed class ApiKeyRecordConfiguration : IEntityTypeConfiguration<ApiKeyRecord>
{
    public void Configure(EntityTypeBuilder<ApiKeyRecord> builder)
    {
        builder.ToTable("api_keys");
        builder.HasKey(k => k.Id);
        builder.Property(k => k.Id).HasColumnName("id");
        builder.Property(k => k.UserId).HasColumnName("user_id");
        builder.Property(k => k.Name).HasColumnName("name");
        builder.Property(k => k.Environment).HasColumnName("environment");
        builder.Property(k => k.SecretHash).HasColumnName("secret_hash");
        builder.Property(k => k.Scopes).HasColumnName("scopes");
        builder.Property(k => k.TenantId).HasColumnName("tenant_id");
        builder.Property(k => k.CreatedAt).HasColumnName("created_at").HasConversion(StoreTime.Converter);
        builder.Property(k => k.ExpiresAt).HasColumnName("expires_at").HasConversion(StoreTime.NullableConverter);
        builder.Property(k => k.RevokedAt).HasColumnName("revoked_at").HasConversion(StoreTime.NullableConverter);
        builder.Property(k => k.LastUsedAt).HasColumnName("last_used_at").HasConversion(StoreTime.NullableConverter);
        builder.Property(k => k.UseCount).HasColumnName("use_count");
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Storage;

namespace Portico.Identity;

internal sealed class OAuthClientRecordConfiguration : IEntityTypeConfiguration<OAuthClientRecord>
{
    public void Configure(EntityTypeBuilder<OAuthClientRecord> builder)
    {
        builder.ToTable("oauth_clients");
        builder.HasKey(o => o.Id);
        builder.Property(o => o.Id).HasColumnName("id");
        builder.Property(o => o.SecretHash).HasColumnName("secret_hash");
        builder.Property(o => o.Name).HasColumnName("name");
        builder.Property(o => o.AuthMethod).HasColumnName("auth_method");
        builder.Property(o => o.RedirectUris).HasColumnName("redirect_uris");
        builder.Property(o => o.GrantTypes).HasColumnName("grant_types");
        builder.Property(o => o.Scope).HasColumnName("scope");
        builder.Property(o => o.OperatorRegistered).HasColumnName("operator_registered");
        builder.Property(o => o.ServiceUserId).HasColumnName("service_user_id");
        builder.Property(o => o.TenantId).HasColumnName("tenant_id");
        builder.Property(o => o.MayIntrospect).HasColumnName("may_introspect");
        builder.Property(o => o.CreatedAt).HasColumnName("created_at").HasConversion(StoreTime.Converter);
    }
}

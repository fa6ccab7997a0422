using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Storage;

namespace Portico.Identity;

internal sealed class AuthorizationCodeRecordConfiguration : IEntityTypeConfiguration<AuthorizationCodeRecord>
{
    public void Configure(EntityTypeBuilder<AuthorizationCodeRecord> builder)
    {
        builder.ToTable("oauth_codes");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).HasColumnName("id");
        builder.Property(a => a.ClientId).HasColumnName("client_id");
        builder.Property(a => a.UserId).HasColumnName("user_id");
        builder.Property(a => a.RedirectUri).HasColumnName("redirect_uri");
        builder.Property(a => a.Scopes).HasColumnName("scopes");
        builder.Property(a => a.Resource).HasColumnName("resource");
        builder.Property(a => a.CodeChallenge).HasColumnName("code_challenge");
        builder.Property(a => a.CreatedAt).HasColumnName("created_at").HasConversion(StoreTime.Converter);
        builder.Property(a => a.ExpiresAt).HasColumnName("expires_at").HasConversion(StoreTime.Converter);
        builder.Property(a => a.UsedAt).HasColumnName("used_at").HasConversion(StoreTime.NullableConverter);
        builder.Property(a => a.GrantId).HasColumnName("grant_id");
    }
}

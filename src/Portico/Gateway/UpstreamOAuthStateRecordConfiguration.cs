using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Storage;

namespace Portico.Gateway;

internal sealed class UpstreamOAuthStateRecordConfiguration : IEntityTypeConfiguration<UpstreamOAuthStateRecord>
{
    public void Configure(EntityTypeBuilder<UpstreamOAuthStateRecord> builder)
    {
        builder.ToTable("upstream_oauth_states");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).HasColumnName("id");
        builder.Property(s => s.Upstream).HasColumnName("upstream");
        builder.Property(s => s.UserId).HasColumnName("user_id");
        builder.Property(s => s.CodeVerifier).HasColumnName("code_verifier");
        builder.Property(s => s.CreatedAt).HasColumnName("created_at").HasConversion(StoreTime.Converter);
        builder.Property(s => s.ExpiresAt).HasColumnName("expires_at").HasConversion(StoreTime.Converter);
    }
}

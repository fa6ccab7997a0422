using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Storage;

namespace Portico.Gateway;

internal sealed class UpstreamOAuthSpentLinkRecordConfiguration : IEntityTypeConfiguration<UpstreamOAuthSpentLinkRecord>
{
    public void Configure(EntityTypeBuilder<UpstreamOAuthSpentLinkRecord> builder)
    {
        builder.ToTable("upstream_oauth_spent_links");
        builder.HasKey(l => l.Id);
        builder.Property(l => l.Id).HasColumnName("id");
        builder.Property(l => l.ExpiresAt).HasColumnName("expires_at").HasConversion(StoreTime.Converter);
        builder.HasIndex(l => l.ExpiresAt).HasDatabaseName("ix_upstream_oauth_spent_links_expires_at");
    }
}

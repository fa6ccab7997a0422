using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Storage;

namespace Portico.Gateway;

internal sealed class UpstreamRoundMessageRecordConfiguration : IEntityTypeConfiguration<UpstreamRoundMessageRecord>
{
    public void Configure(EntityTypeBuilder<UpstreamRoundMessageRecord> builder)
    {
        builder.ToTable("upstream_round_messages");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Id).HasColumnName("id").ValueGeneratedOnAdd();
        builder.Property(m => m.RoundId).HasColumnName("round_id");
        builder.Property(m => m.Kind).HasColumnName("kind");
        builder.Property(m => m.Message).HasColumnName("message");
        builder.Property(m => m.CreatedAt).HasColumnName("created_at").HasConversion(StoreTime.Converter);
        builder.HasIndex(m => m.RoundId).HasDatabaseName("ix_upstream_round_messages_round_id");
        builder.HasIndex(m => m.CreatedAt).HasDatabaseName("ix_upstream_round_messages_created_at");
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Storage;

namespace Portico.Mcp;

internal sealed class RelayedAnswerRecordConfiguration : IEntityTypeConfiguration<RelayedAnswerRecord>
{
    public void Configure(EntityTypeBuilder<RelayedAnswerRecord> builder)
    {
        builder.ToTable("relayed_answers");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).HasColumnName("id").ValueGeneratedOnAdd();
        builder.Property(a => a.SessionId).HasColumnName("session_id");
        builder.Property(a => a.Kind).HasColumnName("kind");
        builder.Property(a => a.RequestId).HasColumnName("request_id");
        builder.Property(a => a.Message).HasColumnName("message");
        builder.Property(a => a.CreatedAt).HasColumnName("created_at").HasConversion(StoreTime.Converter);
        builder.HasIndex(a => a.SessionId).HasDatabaseName("ix_relayed_answers_session_id");
        builder.HasIndex(a => a.CreatedAt).HasDatabaseName("ix_relayed_answers_created_at");
    }
}

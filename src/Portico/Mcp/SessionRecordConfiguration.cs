using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Storage;

namespace Portico.Mcp;

internal sealed class SessionRecordConfiguration : IEntityTypeConfiguration<SessionRecord>
{
    public void Configure(EntityTypeBuilder<SessionRecord> builder)
    {
        builder.ToTable("mcp_sessions");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).HasColumnName("id");
        builder.Property(s => s.ProtocolVersion).HasColumnName("protocol_version");
        builder.Property(s => s.InitializeParams).HasColumnName("initialize_params");
        builder.Property(s => s.ClientName).HasColumnName("client_name");
        builder.Property(s => s.ClientVersion).HasColumnName("client_version");
        builder.Property(s => s.OwnerId).HasColumnName("owner_id");
        builder.Property(s => s.ActiveTenantId).HasColumnName("active_tenant_id");
        builder.Property(s => s.CreatedAt).HasColumnName("created_at").HasConversion(StoreTime.Converter);
        builder.Property(s => s.LastSeenAt).HasColumnName("last_seen_at").HasConversion(StoreTime.Converter);
        builder.Property(s => s.ClosedAt).HasColumnName("closed_at").HasConversion(StoreTime.NullableConverter);
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Storage;

namespace Portico.Connectors;

internal sealed class ConnectorOAuthStateRecordConfiguration : IEntityTypeConfiguration<ConnectorOAuthStateRecord>
{
    public void Configure(EntityTypeBuilder<ConnectorOAuthStateRecord> builder)
    {
        builder.ToTable("connector_oauth_states");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).HasColumnName("id");
        builder.Property(s => s.Connector).HasColumnName("connector");
        builder.Property(s => s.TenantId).HasColumnName("tenant_id");
        builder.Property(s => s.UserId).HasColumnName("user_id");
        builder.Property(s => s.Label).HasColumnName("label");
        builder.Property(s => s.CodeVerifier).HasColumnName("code_verifier");
        builder.Property(s => s.CreatedAt).HasColumnName("created_at").HasConversion(StoreTime.Converter);
        builder.Property(s => s.ExpiresAt).HasColumnName("expires_at").HasConversion(StoreTime.Converter);
    }
}

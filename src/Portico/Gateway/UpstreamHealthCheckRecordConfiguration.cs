using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Storage;

namespace Portico.Gateway;

internal sealed class UpstreamHealthCheckRecordConfiguration : IEntityTypeConfiguration<UpstreamHealthCheckRecord>
{
    public void Configure(EntityTypeBuilder<UpstreamHealthCheckRecord> builder)
    {
        builder.ToTable("upstream_health_checks");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).HasColumnName("id").ValueGeneratedOnAdd();
        builder.Property(c => c.Upstream).HasColumnName("upstream");
        builder.Property(c => c.Instance).HasColumnName("instance");
        builder.Property(c => c.CheckedAt).HasColumnName("checked_at").HasConversion(StoreTime.Converter);
        builder.Property(c => c.Ok).HasColumnName("ok");
        builder.Property(c => c.LatencyMs).HasColumnName("latency_ms");
        builder.Property(c => c.Error).HasColumnName("error");
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Storage;

namespace Portico.Identity;

internal sealed class DeviceCodeRecordConfiguration : IEntityTypeConfiguration<DeviceCodeRecord>
{
    public void Configure(EntityTypeBuilder<DeviceCodeRecord> builder)
    {
        builder.ToTable("oauth_device_codes");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.Id).HasColumnName("id");
        builder.Property(d => d.UserCode).HasColumnName("user_code");
        builder.Property(d => d.ClientId).HasColumnName("client_id");
        builder.Property(d => d.Scopes).HasColumnName("scopes");
        builder.Property(d => d.Resource).HasColumnName("resource");
        builder.Property(d => d.Status).HasColumnName("status");
        builder.Property(d => d.UserId).HasColumnName("user_id");
        builder.Property(d => d.GrantId).HasColumnName("grant_id");
        builder.Property(d => d.SessionId).HasColumnName("session_id");
        builder.Property(d => d.SessionClientName).HasColumnName("session_client_name");
        builder.Property(d => d.SessionClientVersion).HasColumnName("session_client_version");
        builder.Property(d => d.IntervalSeconds).HasColumnName("interval_seconds");
        builder.Property(d => d.CreatedAt).HasColumnName("created_at").HasConversion(StoreTime.Converter);
        builder.Property(d => d.ExpiresAt).HasColumnName("expires_at").HasConversion(StoreTime.Converter);
        builder.Property(d => d.LastPolledAt).HasColumnName("last_polled_at").HasConversion(StoreTime.NullableConverter);
    }
}

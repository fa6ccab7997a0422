using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Storage;

namespace Portico.Gateway;

internal sealed class UpstreamRecordConfiguration : IEntityTypeConfiguration<UpstreamRecord>
{
    public void Configure(EntityTypeBuilder<UpstreamRecord> builder)
    {
        builder.ToTable("gateway_upstreams");
        builder.HasKey(u => u.Name);
        builder.Property(u => u.Name).HasColumnName("name");
        builder.Property(u => u.Transport).HasColumnName("transport");
        builder.Property(u => u.Url).HasColumnName("url");
        builder.Property(u => u.HeadersJson).HasColumnName("headers");
        builder.Property(u => u.Command).HasColumnName("command");
        builder.Property(u => u.ArgsJson).HasColumnName("args");
        builder.Property(u => u.EnvJson).HasColumnName("env");
        builder.Property(u => u.WorkingDirectory).HasColumnName("working_directory");
        builder.Property(u => u.Enabled).HasColumnName("enabled");
        builder.Property(u => u.AllowToolsJson).HasColumnName("allow_tools");
        builder.Property(u => u.DenyToolsJson).HasColumnName("deny_tools");
        builder.Property(u => u.TimeoutMs).HasColumnName("timeout_ms");
        builder.Property(u => u.CredentialMode).HasColumnName("credential_mode");
        builder.Property(u => u.CredentialHeader).HasColumnName("credential_header");
        builder.Property(u => u.CredentialFormat).HasColumnName("credential_format");
        builder.Property(u => u.ProtocolVersion).HasColumnName("protocol_version");
        builder.Property(u => u.CreatedAt).HasColumnName("created_at").HasConversion(StoreTime.Converter);
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Storage;

namespace Portico.Policy.Audit;

internal sealed class AuditRecordConfiguration : IEntityTypeConfiguration<AuditRecord>
{
    public void Configure(EntityTypeBuilder<AuditRecord> builder)
    {
        builder.ToTable("audit_records");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).HasColumnName("id").ValueGeneratedOnAdd();
        builder.Property(a => a.At).HasColumnName("at").HasConversion(StoreTime.Converter);
        builder.Property(a => a.RequestId).HasColumnName("request_id");
        builder.Property(a => a.SessionId).HasColumnName("session_id");
        builder.Property(a => a.UserId).HasColumnName("user_id");
        builder.Property(a => a.CredentialId).HasColumnName("credential_id");
        builder.Property(a => a.TenantId).HasColumnName("tenant_id");
        builder.Property(a => a.Tool).HasColumnName("tool");
        builder.Property(a => a.Outcome).HasColumnName("outcome");
        builder.Property(a => a.ErrorCode).HasColumnName("error_code");
        builder.Property(a => a.DurationMs).HasColumnName("duration_ms");
        builder.Property(a => a.ArgumentBytes).HasColumnName("argument_bytes");
        builder.Property(a => a.Arguments).HasColumnName("arguments");
        builder.Property(a => a.TaskId).HasColumnName("task_id");
        builder.Property(a => a.TraceId).HasColumnName("trace_id");
    }
}

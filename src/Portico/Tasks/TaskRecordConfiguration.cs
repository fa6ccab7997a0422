using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Storage;

namespace Portico.Tasks;

internal sealed class TaskRecordConfiguration : IEntityTypeConfiguration<TaskRecord>
{
    public void Configure(EntityTypeBuilder<TaskRecord> builder)
    {
        builder.ToTable("tasks");
        builder.HasKey(t => t.Id);
        builder.Property(t => t.Id).HasColumnName("id");
        builder.Property(t => t.OwnerId).HasColumnName("owner_id");
        builder.Property(t => t.CredentialId).HasColumnName("credential_id");
        builder.Property(t => t.TenantId).HasColumnName("tenant_id");
        builder.Property(t => t.RequiredScope).HasColumnName("required_scope");
        builder.Property(t => t.Source).HasColumnName("source");
        builder.Property(t => t.Tool).HasColumnName("tool");
        builder.Property(t => t.UpstreamTaskId).HasColumnName("upstream_task_id");
        builder.Property(t => t.RequestId).HasColumnName("request_id");
        builder.Property(t => t.Status).HasColumnName("status");
        builder.Property(t => t.StatusMessage).HasColumnName("status_message");
        builder.Property(t => t.Progress).HasColumnName("progress");
        builder.Property(t => t.ProgressTotal).HasColumnName("progress_total");
        builder.Property(t => t.Result).HasColumnName("result");
        builder.Property(t => t.Error).HasColumnName("error");
        builder.Property(t => t.InputRequests).HasColumnName("input_requests");
        builder.Property(t => t.InputResponses).HasColumnName("input_responses");
        builder.Property(t => t.TtlMs).HasColumnName("ttl_ms");
        builder.Property(t => t.PollIntervalMs).HasColumnName("poll_interval_ms");
        builder.Property(t => t.CreatedAt).HasColumnName("created_at").HasConversion(StoreTime.Converter);
        builder.Property(t => t.UpdatedAt).HasColumnName("updated_at").HasConversion(StoreTime.Converter);
        builder.Property(t => t.ExpiresAt).HasColumnName("expires_at").HasConversion(StoreTime.Converter);
        builder.Property(t => t.InstanceId).HasColumnName("instance_id");
        builder.Property(t => t.LeaseUntil).HasColumnName("lease_until").HasConversion(StoreTime.NullableConverter);
        builder.Property(t => t.Version).HasColumnName("version").IsConcurrencyToken();
        builder.HasIndex(t => t.OwnerId).HasDatabaseName("ix_tasks_owner_id");
        builder.HasIndex(t => new { t.Status, t.LeaseUntil }).HasDatabaseName("ix_tasks_status_lease_until");
        builder.HasIndex(t => t.ExpiresAt).HasDatabaseName("ix_tasks_expires_at");
    }
}

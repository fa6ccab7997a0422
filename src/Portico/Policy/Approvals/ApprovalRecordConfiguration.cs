using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Storage;

namespace Portico.Policy.Approvals;

internal sealed class ApprovalRecordConfiguration : IEntityTypeConfiguration<ApprovalRecord>
{
    public void Configure(EntityTypeBuilder<ApprovalRecord> builder)
    {
        builder.ToTable("approvals");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).HasColumnName("id");
        builder.Property(a => a.TenantId).HasColumnName("tenant_id");
        builder.Property(a => a.Tool).HasColumnName("tool");
        builder.Property(a => a.OwnerId).HasColumnName("owner_id");
        builder.Property(a => a.OwnerEmail).HasColumnName("owner_email");
        builder.Property(a => a.CredentialId).HasColumnName("credential_id");
        builder.Property(a => a.TaskId).HasColumnName("task_id");
        builder.Property(a => a.RequestId).HasColumnName("request_id");
        builder.Property(a => a.Arguments).HasColumnName("arguments");
        builder.Property(a => a.ArgumentsHash).HasColumnName("arguments_hash");
        builder.Property(a => a.Seal).HasColumnName("seal");
        builder.Property(a => a.Status).HasColumnName("status");
        builder.Property(a => a.CreatedAt).HasColumnName("created_at").HasConversion(StoreTime.Converter);
        builder.Property(a => a.ExpiresAt).HasColumnName("expires_at").HasConversion(StoreTime.Converter);
        builder.Property(a => a.DecidedAt).HasColumnName("decided_at").HasConversion(StoreTime.NullableConverter);
        builder.Property(a => a.DecidedBy).HasColumnName("decided_by");
        builder.Property(a => a.ConsumedAt).HasColumnName("consumed_at").HasConversion(StoreTime.NullableConverter);
        builder.HasIndex(a => new { a.TenantId, a.Status }).HasDatabaseName("ix_approvals_tenant_status");
        builder.HasIndex(a => new { a.OwnerId, a.Tool }).HasDatabaseName("ix_approvals_owner_tool");
        builder.HasIndex(a => a.TaskId).HasDatabaseName("ix_approvals_task_id");
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Storage;

namespace Portico.Tools.Workflows;

internal sealed class WorkflowScheduleEntityConfiguration : IEntityTypeConfiguration<WorkflowScheduleEntity>, IStoreTableMigrations
{
    public IReadOnlyList<StoreMigration> Migrations { get; } =
    [
        new(StoreMigration.PackVersions + 103, "workflow_schedules",
            Sqlite: """
                CREATE TABLE workflow_schedules (
                    workflow_id TEXT NOT NULL,
                    trigger_id TEXT NOT NULL,
                    tenant_id TEXT NOT NULL,
                    cron TEXT NOT NULL,
                    time_zone TEXT NOT NULL,
                    input TEXT NOT NULL,
                    owner_id TEXT NOT NULL,
                    credential_kind TEXT NOT NULL,
                    credential_id TEXT NULL,
                    scopes TEXT NOT NULL,
                    next_at INTEGER NOT NULL,
                    PRIMARY KEY (workflow_id, trigger_id),
                    FOREIGN KEY (tenant_id, workflow_id) REFERENCES workflows (tenant_id, id) ON DELETE CASCADE
                );
                CREATE INDEX ix_workflow_schedules_next_at ON workflow_schedules (next_at);
                """,
            Postgres: """
                CREATE TABLE workflow_schedules (
                    workflow_id text NOT NULL,
                    trigger_id text NOT NULL,
                    tenant_id text NOT NULL,
                    cron text NOT NULL,
                    time_zone text NOT NULL,
                    input text NOT NULL,
                    owner_id text NOT NULL,
                    credential_kind text NOT NULL,
                    credential_id text NULL,
                    scopes text NOT NULL,
                    next_at bigint NOT NULL,
                    PRIMARY KEY (workflow_id, trigger_id),
                    FOREIGN KEY (tenant_id, workflow_id) REFERENCES workflows (tenant_id, id) ON DELETE CASCADE
                );
                CREATE INDEX ix_workflow_schedules_next_at ON workflow_schedules (next_at);
                """),
    ];

    public void Configure(EntityTypeBuilder<WorkflowScheduleEntity> builder)
    {
        builder.ToTable("workflow_schedules");
        builder.HasKey(s => new { s.WorkflowId, s.TriggerId });
        builder.Property(s => s.WorkflowId).HasColumnName("workflow_id");
        builder.Property(s => s.TriggerId).HasColumnName("trigger_id");
        builder.Property(s => s.TenantId).HasColumnName("tenant_id");
        builder.Property(s => s.Cron).HasColumnName("cron");
        builder.Property(s => s.TimeZone).HasColumnName("time_zone");
        builder.Property(s => s.Input).HasColumnName("input");
        builder.Property(s => s.OwnerId).HasColumnName("owner_id");
        builder.Property(s => s.CredentialKind).HasColumnName("credential_kind");
        builder.Property(s => s.CredentialId).HasColumnName("credential_id");
        builder.Property(s => s.Scopes).HasColumnName("scopes");
        builder.Property(s => s.NextAt).HasColumnName("next_at").HasConversion(StoreTime.Converter);
    }
}

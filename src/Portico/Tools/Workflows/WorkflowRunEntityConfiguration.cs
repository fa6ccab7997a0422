using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Storage;

namespace Portico.Tools.Workflows;

internal sealed class WorkflowRunEntityConfiguration : IEntityTypeConfiguration<WorkflowRunEntity>, IStoreTableMigrations
{
    public IReadOnlyList<StoreMigration> Migrations { get; } =
    [
        // The engine's claim reads (status, due_at) and (status, lease_until); a run goes with its workflow.
        new(StoreMigration.PackVersions + 101, "workflow_runs",
            Sqlite: """
                CREATE TABLE workflow_runs (
                    id TEXT NOT NULL PRIMARY KEY,
                    tenant_id TEXT NOT NULL,
                    workflow_id TEXT NOT NULL,
                    workflow_version INTEGER NOT NULL,
                    definition TEXT NOT NULL,
                    trigger_id TEXT NOT NULL,
                    owner_id TEXT NOT NULL,
                    credential_kind TEXT NOT NULL,
                    credential_id TEXT NULL,
                    scopes TEXT NOT NULL,
                    status TEXT NOT NULL,
                    input TEXT NOT NULL,
                    failed_step TEXT NULL,
                    error TEXT NULL,
                    lease_holder TEXT NULL,
                    lease_until INTEGER NULL,
                    due_at INTEGER NOT NULL,
                    created_at INTEGER NOT NULL,
                    started_at INTEGER NULL,
                    finished_at INTEGER NULL,
                    updated_at INTEGER NOT NULL,
                    FOREIGN KEY (tenant_id, workflow_id) REFERENCES workflows (tenant_id, id) ON DELETE CASCADE
                );
                CREATE INDEX ix_workflow_runs_owner ON workflow_runs (tenant_id, owner_id, created_at);
                CREATE INDEX ix_workflow_runs_due ON workflow_runs (status, due_at);
                CREATE INDEX ix_workflow_runs_lease ON workflow_runs (status, lease_until);
                CREATE INDEX ix_workflow_runs_workflow ON workflow_runs (tenant_id, workflow_id);
                """,
            Postgres: """
                CREATE TABLE workflow_runs (
                    id text NOT NULL PRIMARY KEY,
                    tenant_id text NOT NULL,
                    workflow_id text NOT NULL,
                    workflow_version integer NOT NULL,
                    definition text NOT NULL,
                    trigger_id text NOT NULL,
                    owner_id text NOT NULL,
                    credential_kind text NOT NULL,
                    credential_id text NULL,
                    scopes text NOT NULL,
                    status text NOT NULL,
                    input text NOT NULL,
                    failed_step text NULL,
                    error text NULL,
                    lease_holder text NULL,
                    lease_until bigint NULL,
                    due_at bigint NOT NULL,
                    created_at bigint NOT NULL,
                    started_at bigint NULL,
                    finished_at bigint NULL,
                    updated_at bigint NOT NULL,
                    FOREIGN KEY (tenant_id, workflow_id) REFERENCES workflows (tenant_id, id) ON DELETE CASCADE
                );
                CREATE INDEX ix_workflow_runs_owner ON workflow_runs (tenant_id, owner_id, created_at);
                CREATE INDEX ix_workflow_runs_due ON workflow_runs (status, due_at);
                CREATE INDEX ix_workflow_runs_lease ON workflow_runs (status, lease_until);
                CREATE INDEX ix_workflow_runs_workflow ON workflow_runs (tenant_id, workflow_id);
                """),
    ];

    public void Configure(EntityTypeBuilder<WorkflowRunEntity> builder)
    {
        builder.ToTable("workflow_runs");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).HasColumnName("id");
        builder.Property(r => r.TenantId).HasColumnName("tenant_id");
        builder.Property(r => r.WorkflowId).HasColumnName("workflow_id");
        builder.Property(r => r.WorkflowVersion).HasColumnName("workflow_version");
        builder.Property(r => r.Definition).HasColumnName("definition");
        builder.Property(r => r.TriggerId).HasColumnName("trigger_id");
        builder.Property(r => r.OwnerId).HasColumnName("owner_id");
        builder.Property(r => r.CredentialKind).HasColumnName("credential_kind");
        builder.Property(r => r.CredentialId).HasColumnName("credential_id");
        builder.Property(r => r.Scopes).HasColumnName("scopes");
        builder.Property(r => r.Status).HasColumnName("status");
        builder.Property(r => r.Input).HasColumnName("input");
        builder.Property(r => r.FailedStep).HasColumnName("failed_step");
        builder.Property(r => r.Error).HasColumnName("error");
        builder.Property(r => r.LeaseHolder).HasColumnName("lease_holder");
        builder.Property(r => r.LeaseUntil).HasColumnName("lease_until").HasConversion(StoreTime.NullableConverter);
        builder.Property(r => r.DueAt).HasColumnName("due_at").HasConversion(StoreTime.Converter);
        builder.Property(r => r.CreatedAt).HasColumnName("created_at").HasConversion(StoreTime.Converter);
        builder.Property(r => r.StartedAt).HasColumnName("started_at").HasConversion(StoreTime.NullableConverter);
        builder.Property(r => r.FinishedAt).HasColumnName("finished_at").HasConversion(StoreTime.NullableConverter);
        builder.Property(r => r.UpdatedAt).HasColumnName("updated_at").HasConversion(StoreTime.Converter);
    }
}

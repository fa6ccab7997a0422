using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Storage;

namespace Portico.Tools.Workflows;

internal sealed class WorkflowStepEntityConfiguration : IEntityTypeConfiguration<WorkflowStepEntity>, IStoreTableMigrations
{
    public IReadOnlyList<StoreMigration> Migrations { get; } =
    [
        new(StoreMigration.PackVersions + 102, "workflow_run_steps",
            Sqlite: """
                CREATE TABLE workflow_run_steps (
                    run_id TEXT NOT NULL REFERENCES workflow_runs (id) ON DELETE CASCADE,
                    step_index INTEGER NOT NULL,
                    tenant_id TEXT NOT NULL,
                    step_name TEXT NOT NULL,
                    attempt INTEGER NOT NULL,
                    status TEXT NOT NULL,
                    output TEXT NULL,
                    error TEXT NULL,
                    started_at INTEGER NOT NULL,
                    finished_at INTEGER NULL,
                    PRIMARY KEY (run_id, step_index)
                );
                """,
            Postgres: """
                CREATE TABLE workflow_run_steps (
                    run_id text NOT NULL REFERENCES workflow_runs (id) ON DELETE CASCADE,
                    step_index integer NOT NULL,
                    tenant_id text NOT NULL,
                    step_name text NOT NULL,
                    attempt integer NOT NULL,
                    status text NOT NULL,
                    output text NULL,
                    error text NULL,
                    started_at bigint NOT NULL,
                    finished_at bigint NULL,
                    PRIMARY KEY (run_id, step_index)
                );
                """),
    ];

    public void Configure(EntityTypeBuilder<WorkflowStepEntity> builder)
    {
        builder.ToTable("workflow_run_steps");
        builder.HasKey(s => new { s.RunId, s.StepIndex });
        builder.Property(s => s.RunId).HasColumnName("run_id");
        builder.Property(s => s.StepIndex).HasColumnName("step_index");
        builder.Property(s => s.TenantId).HasColumnName("tenant_id");
        builder.Property(s => s.StepName).HasColumnName("step_name");
        builder.Property(s => s.Attempt).HasColumnName("attempt");
        builder.Property(s => s.Status).HasColumnName("status");
        builder.Property(s => s.Output).HasColumnName("output");
        builder.Property(s => s.Error).HasColumnName("error");
        builder.Property(s => s.StartedAt).HasColumnName("started_at").HasConversion(StoreTime.Converter);
        builder.Property(s => s.FinishedAt).HasColumnName("finished_at").HasConversion(StoreTime.NullableConverter);
    }
}

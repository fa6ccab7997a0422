using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Storage;

namespace Portico.Tools.Workflows;

internal sealed class WorkflowHookEntityConfiguration : IEntityTypeConfiguration<WorkflowHookEntity>, IStoreTableMigrations
{
    public IReadOnlyList<StoreMigration> Migrations { get; } =
    [
        new(StoreMigration.PackVersions + 104, "workflow_hooks",
            Sqlite: """
                CREATE TABLE workflow_hooks (
                    id TEXT NOT NULL PRIMARY KEY,
                    tenant_id TEXT NOT NULL,
                    workflow_id TEXT NOT NULL,
                    secret BLOB NOT NULL,
                    owner_id TEXT NOT NULL,
                    credential_kind TEXT NOT NULL,
                    credential_id TEXT NULL,
                    scopes TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    FOREIGN KEY (tenant_id, workflow_id) REFERENCES workflows (tenant_id, id) ON DELETE CASCADE
                );
                CREATE INDEX ix_workflow_hooks_workflow ON workflow_hooks (tenant_id, workflow_id);
                """,
            Postgres: """
                CREATE TABLE workflow_hooks (
                    id text NOT NULL PRIMARY KEY,
                    tenant_id text NOT NULL,
                    workflow_id text NOT NULL,
                    secret bytea NOT NULL,
                    owner_id text NOT NULL,
                    credential_kind text NOT NULL,
                    credential_id text NULL,
                    scopes text NOT NULL,
                    created_at bigint NOT NULL,
                    FOREIGN KEY (tenant_id, workflow_id) REFERENCES workflows (tenant_id, id) ON DELETE CASCADE
                );
                CREATE INDEX ix_workflow_hooks_workflow ON workflow_hooks (tenant_id, workflow_id);
                """),
    ];

    public void Configure(EntityTypeBuilder<WorkflowHookEntity> builder)
    {
        builder.ToTable("workflow_hooks");
        builder.HasKey(h => h.Id);
        builder.Property(h => h.Id).HasColumnName("id");
        builder.Property(h => h.TenantId).HasColumnName("tenant_id");
        builder.Property(h => h.WorkflowId).HasColumnName("workflow_id");
        builder.Property(h => h.Secret).HasColumnName("secret");
        builder.Property(h => h.OwnerId).HasColumnName("owner_id");
        builder.Property(h => h.CredentialKind).HasColumnName("credential_kind");
        builder.Property(h => h.CredentialId).HasColumnName("credential_id");
        builder.Property(h => h.Scopes).HasColumnName("scopes");
        builder.Property(h => h.CreatedAt).HasColumnName("created_at").HasConversion(StoreTime.Converter);
    }
}

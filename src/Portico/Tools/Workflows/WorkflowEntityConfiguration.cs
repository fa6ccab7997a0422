using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Storage;

namespace Portico.Tools.Workflows;

internal sealed class WorkflowEntityConfiguration : IEntityTypeConfiguration<WorkflowEntity>, IStoreTableMigrations
{
    public IReadOnlyList<StoreMigration> Migrations { get; } =
    [
        new(StoreMigration.PackVersions + 100, "workflows",
            Sqlite: """
                CREATE TABLE workflows (
                    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
                    id TEXT NOT NULL,
                    owner_id TEXT NOT NULL,
                    name TEXT NOT NULL,
                    description TEXT NULL,
                    version INTEGER NOT NULL,
                    definition TEXT NOT NULL,
                    triggers TEXT NOT NULL,
                    activated_at INTEGER NULL,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    PRIMARY KEY (tenant_id, id)
                );
                CREATE INDEX ix_workflows_owner ON workflows (tenant_id, owner_id, created_at);
                """,
            Postgres: """
                CREATE TABLE workflows (
                    tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
                    id text NOT NULL,
                    owner_id text NOT NULL,
                    name text NOT NULL,
                    description text NULL,
                    version integer NOT NULL,
                    definition text NOT NULL,
                    triggers text NOT NULL,
                    activated_at bigint NULL,
                    created_at bigint NOT NULL,
                    updated_at bigint NOT NULL,
                    PRIMARY KEY (tenant_id, id)
                );
                CREATE INDEX ix_workflows_owner ON workflows (tenant_id, owner_id, created_at);
                """),
    ];

    public void Configure(EntityTypeBuilder<WorkflowEntity> builder)
    {
        builder.ToTable("workflows");
        builder.HasKey(w => new { w.TenantId, w.Id });
        builder.Property(w => w.TenantId).HasColumnName("tenant_id");
        builder.Property(w => w.Id).HasColumnName("id");
        builder.Property(w => w.OwnerId).HasColumnName("owner_id");
        builder.Property(w => w.Name).HasColumnName("name");
        builder.Property(w => w.Description).HasColumnName("description");
        builder.Property(w => w.Version).HasColumnName("version");
        builder.Property(w => w.Definition).HasColumnName("definition");
        builder.Property(w => w.Triggers).HasColumnName("triggers");
        builder.Property(w => w.ActivatedAt).HasColumnName("activated_at").HasConversion(StoreTime.NullableConverter);
        builder.Property(w => w.CreatedAt).HasColumnName("created_at").HasConversion(StoreTime.Converter);
        builder.Property(w => w.UpdatedAt).HasColumnName("updated_at").HasConversion(StoreTime.Converter);
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Storage;

namespace Portico.Tools.Workflows;

internal sealed class WorkflowHookDeliveryEntityConfiguration : IEntityTypeConfiguration<WorkflowHookDeliveryEntity>, IStoreTableMigrations
{
    public IReadOnlyList<StoreMigration> Migrations { get; } =
    [
        // The primary key is the idempotency: a second insert of one (hook, delivery) loses, on any instance.
        new(StoreMigration.PackVersions + 105, "workflow_hook_deliveries",
            Sqlite: """
                CREATE TABLE workflow_hook_deliveries (
                    hook_id TEXT NOT NULL REFERENCES workflow_hooks (id) ON DELETE CASCADE,
                    delivery_id TEXT NOT NULL,
                    run_id TEXT NOT NULL,
                    received_at INTEGER NOT NULL,
                    PRIMARY KEY (hook_id, delivery_id)
                );
                """,
            Postgres: """
                CREATE TABLE workflow_hook_deliveries (
                    hook_id text NOT NULL REFERENCES workflow_hooks (id) ON DELETE CASCADE,
                    delivery_id text NOT NULL,
                    run_id text NOT NULL,
                    received_at bigint NOT NULL,
                    PRIMARY KEY (hook_id, delivery_id)
                );
                """),
    ];

    public void Configure(EntityTypeBuilder<WorkflowHookDeliveryEntity> builder)
    {
        builder.ToTable("workflow_hook_deliveries");
        builder.HasKey(d => new { d.HookId, d.DeliveryId });
        builder.Property(d => d.HookId).HasColumnName("hook_id");
        builder.Property(d => d.DeliveryId).HasColumnName("delivery_id");
        builder.Property(d => d.RunId).HasColumnName("run_id");
        builder.Property(d => d.ReceivedAt).HasColumnName("received_at").HasConversion(StoreTime.Converter);
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Storage;

namespace Portico.Tools.Records;

/// <summary>
/// The entities table (<c>data_entities</c>). Step 100201 creates it and moves the first records pack's <c>records</c>
/// rows into it unchanged (id, version, times, idempotency key; the collection becomes the model), then drops
/// <c>records</c>: one table, so the record tools and the entity tools see the same data.
/// </summary>
/// <remarks>
/// <c>data</c> is text on both stores, not jsonb on PostgreSQL: one EF mapping serves both and the schema test compares
/// types. PostgreSQL queries read it as <c>data::jsonb</c> (an immutable cast, so expression and GIN indexes work on it).
/// </remarks>
internal sealed class EntityRowConfiguration : IEntityTypeConfiguration<EntityRow>, IStoreTableMigrations
{
    private const string MoveRecords = """
        INSERT INTO data_entities (tenant_id, id, model, data, created_by, created_at, updated_at, version, idempotency_key)
            SELECT tenant_id, id, collection, data, created_by, created_at, updated_at, version, idempotency_key FROM records;
        DROP TABLE records;
        CREATE INDEX ix_data_entities_tenant_id_created_at ON data_entities (tenant_id, created_at, id);
        CREATE INDEX ix_data_entities_tenant_id_model_created_at ON data_entities (tenant_id, model, created_at, id);
        CREATE UNIQUE INDEX ux_data_entities_tenant_id_idempotency_key ON data_entities (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
        """;

    public IReadOnlyList<StoreMigration> Migrations { get; } =
    [
        new(100201, "data_entities",
            Sqlite: $"""
                CREATE TABLE data_entities (
                    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
                    id TEXT NOT NULL,
                    model TEXT NOT NULL,
                    data TEXT NOT NULL,
                    created_by TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    version INTEGER NOT NULL DEFAULT 1,
                    idempotency_key TEXT NULL,
                    PRIMARY KEY (tenant_id, id)
                );
                {MoveRecords}
                """,
            Postgres: $"""
                CREATE TABLE data_entities (
                    tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
                    id text NOT NULL,
                    model text NOT NULL,
                    data text NOT NULL,
                    created_by text NOT NULL,
                    created_at bigint NOT NULL,
                    updated_at bigint NOT NULL,
                    version integer NOT NULL DEFAULT 1,
                    idempotency_key text NULL,
                    PRIMARY KEY (tenant_id, id)
                );
                {MoveRecords}
                """),

        // Equality filters on PostgreSQL are jsonb containment (data::jsonb @> {"path": value}), which this index answers
        // for any attribute. SQLite has no such index: its queries narrow by (tenant_id, model) first.
        new(100202, "data_entities_jsonb_gin",
            Sqlite: "SELECT 1;",
            Postgres: "CREATE INDEX ix_data_entities_data_gin ON data_entities USING gin ((data::jsonb) jsonb_path_ops);"),

        // Publishing (seed 000): the dates of entities of publishable models, in milliseconds like every store time. The
        // published state is computed from them and the clock in each query, so it is never stored and never late.
        new(100204, "data_entities_publish_dates",
            Sqlite: """
                ALTER TABLE data_entities ADD COLUMN publish_at INTEGER NULL;
                ALTER TABLE data_entities ADD COLUMN unpublish_at INTEGER NULL;
                """,
            Postgres: """
                ALTER TABLE data_entities ADD COLUMN publish_at bigint NULL;
                ALTER TABLE data_entities ADD COLUMN unpublish_at bigint NULL;
                """),
    ];

    public void Configure(EntityTypeBuilder<EntityRow> builder)
    {
        builder.ToTable("data_entities");
        builder.HasKey(r => new { r.TenantId, r.Id });
        builder.Property(r => r.TenantId).HasColumnName("tenant_id");
        builder.Property(r => r.Id).HasColumnName("id");
        builder.Property(r => r.Model).HasColumnName("model");
        builder.Property(r => r.Data).HasColumnName("data");
        builder.Property(r => r.CreatedBy).HasColumnName("created_by");
        builder.Property(r => r.CreatedAt).HasColumnName("created_at").HasConversion(StoreTime.Converter);
        builder.Property(r => r.UpdatedAt).HasColumnName("updated_at").HasConversion(StoreTime.Converter);
        builder.Property(r => r.Version).HasColumnName("version");
        builder.Property(r => r.PublishAt).HasColumnName("publish_at").HasConversion(StoreTime.NullableConverter);
        builder.Property(r => r.UnpublishAt).HasColumnName("unpublish_at").HasConversion(StoreTime.NullableConverter);
        builder.Property(r => r.IdempotencyKey).HasColumnName("idempotency_key");
        builder.HasIndex(r => new { r.TenantId, r.IdempotencyKey }).IsUnique().HasFilter("idempotency_key IS NOT NULL");
    }
}

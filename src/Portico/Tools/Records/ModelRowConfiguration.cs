using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Storage;

namespace Portico.Tools.Records;

/// <summary>The models table (<c>data_models</c>) and its steps; the pack's steps are 100200–100299.</summary>
internal sealed class ModelRowConfiguration : IEntityTypeConfiguration<ModelRow>, IStoreTableMigrations
{
    public IReadOnlyList<StoreMigration> Migrations { get; } =
    [
        new(100200, "data_models",
            Sqlite: """
                CREATE TABLE data_models (
                    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
                    id TEXT NOT NULL,
                    name TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    schema TEXT NOT NULL,
                    display TEXT NULL,
                    indexes TEXT NOT NULL,
                    origin TEXT NOT NULL,
                    created_by TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    PRIMARY KEY (tenant_id, id)
                );
                """,
            Postgres: """
                CREATE TABLE data_models (
                    tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
                    id text NOT NULL,
                    name text NOT NULL,
                    version integer NOT NULL,
                    schema text NOT NULL,
                    display text NULL,
                    indexes text NOT NULL,
                    origin text NOT NULL,
                    created_by text NOT NULL,
                    created_at bigint NOT NULL,
                    PRIMARY KEY (tenant_id, id)
                );
                """),

        // Seed 000's content items: a publishable model's entities carry publish dates (data_entities, step 100204).
        new(100203, "data_models_publishable",
            Sqlite: "ALTER TABLE data_models ADD COLUMN publishable INTEGER NOT NULL DEFAULT 0;",
            Postgres: "ALTER TABLE data_models ADD COLUMN publishable boolean NOT NULL DEFAULT false;"),
    ];

    public void Configure(EntityTypeBuilder<ModelRow> builder)
    {
        builder.ToTable("data_models");
        builder.HasKey(m => new { m.TenantId, m.Id });
        builder.Property(m => m.TenantId).HasColumnName("tenant_id");
        builder.Property(m => m.Id).HasColumnName("id");
        builder.Property(m => m.Name).HasColumnName("name");
        builder.Property(m => m.Version).HasColumnName("version");
        builder.Property(m => m.Schema).HasColumnName("schema");
        builder.Property(m => m.Display).HasColumnName("display");
        builder.Property(m => m.Indexes).HasColumnName("indexes");
        builder.Property(m => m.Publishable).HasColumnName("publishable");
        builder.Property(m => m.Origin).HasColumnName("origin");
        builder.Property(m => m.CreatedBy).HasColumnName("created_by");
        builder.Property(m => m.CreatedAt).HasColumnName("created_at").HasConversion(StoreTime.Converter);
    }
}

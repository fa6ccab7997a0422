using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Storage;

namespace Portico.Tools.Records.Transfers;

/// <summary>The transfers table (<c>data_transfers</c>, step 100220): reservations, looked up by id and swept by expiry.</summary>
internal sealed class TransferRowConfiguration : IEntityTypeConfiguration<TransferRow>, IStoreTableMigrations
{
    public IReadOnlyList<StoreMigration> Migrations { get; } =
    [
        new(100220, "data_transfers",
            Sqlite: """
                CREATE TABLE data_transfers (
                    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
                    id TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    owner_id TEXT NOT NULL,
                    name TEXT NOT NULL,
                    content_type TEXT NOT NULL,
                    size INTEGER NOT NULL,
                    sha256 TEXT NOT NULL,
                    blob_id TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL,
                    completed_at INTEGER NULL,
                    PRIMARY KEY (tenant_id, id)
                );
                CREATE UNIQUE INDEX ux_data_transfers_id ON data_transfers (id);
                CREATE INDEX ix_data_transfers_expires_at ON data_transfers (expires_at);
                """,
            Postgres: """
                CREATE TABLE data_transfers (
                    tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
                    id text NOT NULL,
                    kind text NOT NULL,
                    owner_id text NOT NULL,
                    name text NOT NULL,
                    content_type text NOT NULL,
                    size bigint NOT NULL,
                    sha256 text NOT NULL,
                    blob_id text NOT NULL,
                    created_at bigint NOT NULL,
                    expires_at bigint NOT NULL,
                    completed_at bigint NULL,
                    PRIMARY KEY (tenant_id, id)
                );
                CREATE UNIQUE INDEX ux_data_transfers_id ON data_transfers (id);
                CREATE INDEX ix_data_transfers_expires_at ON data_transfers (expires_at);
                """),
    ];

    public void Configure(EntityTypeBuilder<TransferRow> builder)
    {
        builder.ToTable("data_transfers");
        builder.HasKey(t => new { t.TenantId, t.Id });
        builder.Property(t => t.TenantId).HasColumnName("tenant_id");
        builder.Property(t => t.Id).HasColumnName("id");
        builder.Property(t => t.Kind).HasColumnName("kind");
        builder.Property(t => t.OwnerId).HasColumnName("owner_id");
        builder.Property(t => t.Name).HasColumnName("name");
        builder.Property(t => t.ContentType).HasColumnName("content_type");
        builder.Property(t => t.Size).HasColumnName("size");
        builder.Property(t => t.Sha256).HasColumnName("sha256");
        builder.Property(t => t.BlobId).HasColumnName("blob_id");
        builder.Property(t => t.CreatedAt).HasColumnName("created_at").HasConversion(StoreTime.Converter);
        builder.Property(t => t.ExpiresAt).HasColumnName("expires_at").HasConversion(StoreTime.Converter);
        builder.Property(t => t.CompletedAt).HasColumnName("completed_at").HasConversion(StoreTime.NullableConverter);
        builder.Ignore(t => t.OwnsBlob);
        builder.HasIndex(t => t.Id).IsUnique().HasDatabaseName("ux_data_transfers_id");
        builder.HasIndex(t => t.ExpiresAt).HasDatabaseName("ix_data_transfers_expires_at");
    }
}

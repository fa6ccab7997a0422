using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Storage;

namespace Portico.Tests.Catalog.SamplePack;

/// <summary>The sample pack's table: its mapping and the steps that create it, both providers.</summary>
internal sealed class NoteConfiguration : IEntityTypeConfiguration<Note>, IStoreTableMigrations
{
    public IReadOnlyList<StoreMigration> Migrations { get; } =
    [
        new(StoreMigration.PackVersions + 901, "sample_notes",
            Sqlite: "CREATE TABLE sample_notes (id TEXT NOT NULL PRIMARY KEY, tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE, text TEXT NOT NULL); CREATE INDEX ix_sample_notes_tenant ON sample_notes (tenant_id);",
            Postgres: "CREATE TABLE sample_notes (id text PRIMARY KEY, tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE, text text NOT NULL); CREATE INDEX ix_sample_notes_tenant ON sample_notes (tenant_id);"),
    ];

    public void Configure(EntityTypeBuilder<Note> builder)
    {
        builder.ToTable("sample_notes");
        builder.HasKey(n => n.Id);
        builder.Property(n => n.Id).HasColumnName("id");
        builder.Property(n => n.TenantId).HasColumnName("tenant_id");
        builder.Property(n => n.Text).HasColumnName("text");
    }
}

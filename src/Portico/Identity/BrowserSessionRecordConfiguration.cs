using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Storage;

namespace Portico.Identity;

internal sealed class BrowserSessionRecordConfiguration : IEntityTypeConfiguration<BrowserSessionRecord>
{
    public void Configure(EntityTypeBuilder<BrowserSessionRecord> builder)
    {
        builder.ToTable("identity_browser_sessions");
        builder.HasKey(b => b.Id);
        builder.Property(b => b.Id).HasColumnName("id");
        builder.Property(b => b.UserId).HasColumnName("user_id");
        builder.Property(b => b.CreatedAt).HasColumnName("created_at").HasConversion(StoreTime.Converter);
        builder.Property(b => b.ExpiresAt).HasColumnName("expires_at").HasConversion(StoreTime.Converter);
    }
}

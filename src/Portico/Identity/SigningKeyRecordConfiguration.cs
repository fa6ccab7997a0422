using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Storage;

namespace Portico.Identity;

internal sealed class SigningKeyRecordConfiguration : IEntityTypeConfiguration<SigningKeyRecord>
{
    public void Configure(EntityTypeBuilder<SigningKeyRecord> builder)
    {
        builder.ToTable("oauth_signing_keys");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).HasColumnName("id");
        builder.Property(s => s.PrivateKey).HasColumnName("private_key");
        builder.Property(s => s.CreatedAt).HasColumnName("created_at").HasConversion(StoreTime.Converter);
        builder.Property(s => s.RetiredAt).HasColumnName("retired_at").HasConversion(StoreTime.NullableConverter);
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Storage;

namespace Portico.Access;

internal sealed class UserRecordConfiguration : IEntityTypeConfiguration<UserRecord>
{
    public void Configure(EntityTypeBuilder<UserRecord> builder)
    {
        builder.ToTable("users");
        builder.HasKey(u => u.Id);
        builder.Property(u => u.Id).HasColumnName("id");
        builder.Property(u => u.Email).HasColumnName("email");
        builder.Property(u => u.DisplayName).HasColumnName("display_name");
        builder.Property(u => u.CreatedAt).HasColumnName("created_at").HasConversion(StoreTime.Converter);
        builder.Property(u => u.PasswordHash).HasColumnName("password_hash");
        builder.Property(u => u.FailedLogins).HasColumnName("failed_logins");
        builder.Property(u => u.LockedUntil).HasColumnName("locked_until").HasConversion(StoreTime.NullableConverter);
        builder.Property(u => u.IsAdmin).HasColumnName("is_admin");
    }
}

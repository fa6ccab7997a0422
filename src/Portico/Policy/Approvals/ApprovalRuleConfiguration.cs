using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Storage;

namespace Portico.Policy.Approvals;

internal sealed class ApprovalRuleConfiguration : IEntityTypeConfiguration<ApprovalRule>
{
    public void Configure(EntityTypeBuilder<ApprovalRule> builder)
    {
        builder.ToTable("tenant_approval_tools");
        builder.HasKey(r => new { r.TenantId, r.Tool });
        builder.Property(r => r.TenantId).HasColumnName("tenant_id");
        builder.Property(r => r.Tool).HasColumnName("tool");
        builder.Property(r => r.CreatedAt).HasColumnName("created_at").HasConversion(StoreTime.Converter);
        builder.Property(r => r.CreatedBy).HasColumnName("created_by");
    }
}

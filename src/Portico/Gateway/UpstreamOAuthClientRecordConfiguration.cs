using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Storage;

namespace Portico.Gateway;

internal sealed class UpstreamOAuthClientRecordConfiguration : IEntityTypeConfiguration<UpstreamOAuthClientRecord>
{
    public void Configure(EntityTypeBuilder<UpstreamOAuthClientRecord> builder)
    {
        builder.ToTable("upstream_oauth_clients");
        builder.HasKey(c => c.Upstream);
        builder.Property(c => c.Upstream).HasColumnName("upstream");
        builder.Property(c => c.Issuer).HasColumnName("issuer");
        builder.Property(c => c.AuthorizationEndpoint).HasColumnName("authorization_endpoint");
        builder.Property(c => c.TokenEndpoint).HasColumnName("token_endpoint");
        builder.Property(c => c.Resource).HasColumnName("resource");
        builder.Property(c => c.RedirectUri).HasColumnName("redirect_uri");
        builder.Property(c => c.ClientId).HasColumnName("client_id");
        builder.Property(c => c.ClientSecret).HasColumnName("client_secret");
        builder.Property(c => c.CreatedAt).HasColumnName("created_at").HasConversion(StoreTime.Converter);
    }
}

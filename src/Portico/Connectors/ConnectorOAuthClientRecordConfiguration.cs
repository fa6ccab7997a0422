using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Storage;

namespace Portico.Connectors;

internal sealed class ConnectorOAuthClientRecordConfiguration : IEntityTypeConfiguration<ConnectorOAuthClientRecord>
{
    public void Configure(EntityTypeBuilder<ConnectorOAuthClientRecord> builder)
    {
        builder.ToTable("connector_oauth_clients");
        builder.HasKey(c => c.Connector);
        builder.Property(c => c.Connector).HasColumnName("connector");
        builder.Property(c => c.Provider).HasColumnName("provider");
        builder.Property(c => c.Issuer).HasColumnName("issuer");
        builder.Property(c => c.AuthorizationEndpoint).HasColumnName("authorization_endpoint");
        builder.Property(c => c.TokenEndpoint).HasColumnName("token_endpoint");
        builder.Property(c => c.UserinfoEndpoint).HasColumnName("userinfo_endpoint");
        builder.Property(c => c.RedirectUri).HasColumnName("redirect_uri");
        builder.Property(c => c.ClientId).HasColumnName("client_id");
        builder.Property(c => c.ClientSecret).HasColumnName("client_secret");
        builder.Property(c => c.CreatedAt).HasColumnName("created_at").HasConversion(StoreTime.Converter);
    }
}

using Microsoft.EntityFrameworkCore;

namespace Portico.Storage;

internal sealed class PorticoDbContext(DbContextOptions<PorticoDbContext> options) : DbContext(options)
{
    public DbSet<SessionRecord> Sessions => Set<SessionRecord>();

    public DbSet<UserRecord> Users => Set<UserRecord>();

    public DbSet<TenantRecord> Tenants => Set<TenantRecord>();

    public DbSet<MembershipRecord> Memberships => Set<MembershipRecord>();

    public DbSet<ApiKeyRecord> ApiKeys => Set<ApiKeyRecord>();

    public DbSet<StoreChangeRecord> Changes => Set<StoreChangeRecord>();

    public DbSet<AuditRecord> Audit => Set<AuditRecord>();

    /// <summary>Tenant-owned records; use <see cref="Tools.Records.TenantRecords"/>, never this set directly.</summary>
    public DbSet<RecordEntity> Records => Set<RecordEntity>();

    public DbSet<OAuthClientRecord> OAuthClients => Set<OAuthClientRecord>();

    public DbSet<OAuthGrantRecord> OAuthGrants => Set<OAuthGrantRecord>();

    public DbSet<AuthorizationCodeRecord> AuthorizationCodes => Set<AuthorizationCodeRecord>();

    public DbSet<RefreshTokenRecord> RefreshTokens => Set<RefreshTokenRecord>();

    public DbSet<SigningKeyRecord> SigningKeys => Set<SigningKeyRecord>();

    public DbSet<BrowserSessionRecord> BrowserSessions => Set<BrowserSessionRecord>();

    public DbSet<DeviceCodeRecord> DeviceCodes => Set<DeviceCodeRecord>();

    public DbSet<Gateway.UpstreamRecord> Upstreams => Set<Gateway.UpstreamRecord>();

    /// <summary>Per-user and per-tenant upstream secrets, protected with Data Protection; use <see cref="Gateway.UpstreamCredentialStore"/>.</summary>
    public DbSet<Gateway.UpstreamCredentialRecord> UpstreamCredentials => Set<Gateway.UpstreamCredentialRecord>();

    /// <summary>Portico's client registration at each oauth upstream's authorization server.</summary>
    public DbSet<Gateway.UpstreamOAuthClientRecord> UpstreamOAuthClients => Set<Gateway.UpstreamOAuthClientRecord>();

    /// <summary>Sign-ins at oauth upstreams under way (single-use <c>state</c>s).</summary>
    public DbSet<Gateway.UpstreamOAuthStateRecord> UpstreamOAuthStates => Set<Gateway.UpstreamOAuthStateRecord>();

    /// <summary>Connect links already opened (each works once, on any instance).</summary>
    public DbSet<Gateway.UpstreamOAuthSpentLinkRecord> UpstreamOAuthSpentLinks => Set<Gateway.UpstreamOAuthSpentLinkRecord>();

    /// <summary>Tenants' allowlists of upstream tools; use <see cref="Gateway.TenantToolAllowlistStore"/>.</summary>
    public DbSet<Gateway.TenantToolAllowlistRecord> TenantToolAllowlists => Set<Gateway.TenantToolAllowlistRecord>();

    public DbSet<Security.DataProtectionKeyRecord> DataProtectionKeys => Set<Security.DataProtectionKeyRecord>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
        => modelBuilder.ApplyConfigurationsFromAssembly(typeof(PorticoDbContext).Assembly);
}

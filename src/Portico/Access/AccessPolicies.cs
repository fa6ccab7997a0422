using Microsoft.AspNetCore.Authorization;

namespace Portico.Access;

/// <summary>
/// Who may call what, as endpoint metadata. Every endpoint names one of these policies or is anonymous by
/// <see cref="AnonymousEndpoints"/>; an endpoint that does neither gets the fallback policy, which refuses everyone.
/// </summary>
internal static class AccessPolicies
{
    /// <summary>The scheme that reads <c>Authorization: Bearer</c> credentials: API keys and this server's access tokens.</summary>
    public const string BearerScheme = "PorticoBearer";

    /// <summary>The scheme that reads a signed-in browser's session cookie: the portal's pages only.</summary>
    public const string BrowserScheme = "PorticoBrowser";

    /// <summary>Any signed-in person: the portal pages about one's own keys, connections, sessions and calls.</summary>
    public const string PortalUser = "portico.portal";

    /// <summary>A Portico administrator in the portal (a user marked admin).</summary>
    public const string PortalAdmin = "portico.portal.admin";

    /// <summary>An owner or admin of the tenant named by the route's <c>tenantId</c> (or a Portico administrator).</summary>
    public const string PortalTenantManager = "portico.portal.tenant.manage";

    /// <summary>Any member of the tenant named by the route's <c>tenantId</c> (or a Portico administrator).</summary>
    public const string PortalTenantMember = "portico.portal.tenant.member";

    /// <summary>Any valid credential; what it may do is the endpoint's (MCP: the tool pipeline checks each tool's scope).</summary>
    public const string Caller = "portico.caller";

    /// <summary><c>portico/admin</c>: change what every user's endpoint serves.</summary>
    public const string Admin = "portico.admin";

    public const string VendorsRead = "portico.vendors.read";

    public const string VendorsWrite = "portico.vendors.write";

    /// <summary>The scope, and an owner or admin role in the tenant named by the route's <c>tenantId</c> (or <c>portico/admin</c>).</summary>
    public const string TenantVendorsRead = "portico.tenant.vendors.read";

    public const string TenantVendorsWrite = "portico.tenant.vendors.write";

    /// <summary><c>portico/integrations.read|write</c> and an owner or admin role in the route's tenant (or <c>portico/admin</c>): a tenant's integration secrets.</summary>
    public const string TenantIntegrationsRead = "portico.tenant.integrations.read";

    public const string TenantIntegrationsWrite = "portico.tenant.integrations.write";

    /// <summary><c>portico/workflows.read|write</c>: approvals of gated calls (the store narrows them to the tenants the caller owns or administers).</summary>
    public const string ApprovalsRead = "portico.approvals.read";

    public const string ApprovalsWrite = "portico.approvals.write";

    /// <summary><c>portico/workflows.read|write</c> and an owner or admin role in the route's tenant (or <c>portico/admin</c>): the tenant's approval rules.</summary>
    public const string TenantApprovalRulesRead = "portico.tenant.approvals.read";

    public const string TenantApprovalRulesWrite = "portico.tenant.approvals.write";

    /// <summary>The Prometheus scrape: a connection from this host (unless <c>Portico:Metrics:Loopback=false</c>) or a credential with <c>portico/metrics</c> (or <c>portico/admin</c>).</summary>
    public const string MetricsReader = "portico.metrics";

    /// <summary><c>portico/records.read</c>: <c>/transfers/{id}</c> downloads and an upload's offset; the handler checks the transfer's user and tenant.</summary>
    public const string TransfersRead = "portico.transfers.read";

    /// <summary><c>portico/records.write</c>: <c>/transfers/{id}</c> uploads; the handler checks the transfer's user and tenant.</summary>
    public const string TransfersWrite = "portico.transfers.write";

    public const string TenantRouteValue = "tenantId";

    public static IServiceCollection AddPorticoAuthorization(this IServiceCollection services)
    {
        services.AddSingleton<IAuthorizationHandler, AccessRequirementsHandler>();
        services.AddSingleton<IAuthorizationHandler, MetricsReaderHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, AccessRefusalWriter>();
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(Policy(new NoPolicyRequirement()))
            .AddPolicy(Caller, Policy())
            .AddPolicy(MetricsReader, new AuthorizationPolicyBuilder(BearerScheme).AddRequirements(new MetricsReaderRequirement()).Build())
            .AddPolicy(Admin, Policy(new ScopeRequirement(Scopes.Admin)))
            .AddPolicy(VendorsRead, Policy(new ScopeRequirement(Scopes.Read("vendors"))))
            .AddPolicy(VendorsWrite, Policy(new ScopeRequirement(Scopes.Write("vendors"))))
            .AddPolicy(TenantVendorsRead, Policy(new ScopeRequirement(Scopes.Read("vendors")), new TenantRoleRequirement(TenantRouteValue, ["owner", "admin"])))
            .AddPolicy(TenantVendorsWrite, Policy(new ScopeRequirement(Scopes.Write("vendors")), new TenantRoleRequirement(TenantRouteValue, ["owner", "admin"])))
            .AddPolicy(PortalUser, BrowserPolicy())
            .AddPolicy(PortalAdmin, BrowserPolicy(new ScopeRequirement(Scopes.Admin)))
            .AddPolicy(PortalTenantManager, BrowserPolicy(new TenantRoleRequirement(TenantRouteValue, ["owner", "admin"])))
            .AddPolicy(PortalTenantMember, BrowserPolicy(new TenantRoleRequirement(TenantRouteValue, AccessAdmin.Roles)))
            .AddPolicy(TenantIntegrationsRead, Policy(new ScopeRequirement(Scopes.Read("integrations")), new TenantRoleRequirement(TenantRouteValue, ["owner", "admin"])))
            .AddPolicy(TenantIntegrationsWrite, Policy(new ScopeRequirement(Scopes.Write("integrations")), new TenantRoleRequirement(TenantRouteValue, ["owner", "admin"])))
            .AddPolicy(ApprovalsRead, Policy(new ScopeRequirement(Scopes.Read("workflows"))))
            .AddPolicy(ApprovalsWrite, Policy(new ScopeRequirement(Scopes.Write("workflows"))))
            .AddPolicy(TenantApprovalRulesRead, Policy(new ScopeRequirement(Scopes.Read("workflows")), new TenantRoleRequirement(TenantRouteValue, ["owner", "admin"])))
            .AddPolicy(TenantApprovalRulesWrite, Policy(new ScopeRequirement(Scopes.Write("workflows")), new TenantRoleRequirement(TenantRouteValue, ["owner", "admin"])))
            .AddPolicy(TransfersRead, Policy(new ScopeRequirement(Scopes.Read("records"))))
            .AddPolicy(TransfersWrite, Policy(new ScopeRequirement(Scopes.Write("records"))));
        return services;
    }

    private static AuthorizationPolicy Policy(params IAuthorizationRequirement[] requirements)
        => new AuthorizationPolicyBuilder(BearerScheme).AddRequirements([new CallerRequirement(), .. requirements]).Build();

    private static AuthorizationPolicy BrowserPolicy(params IAuthorizationRequirement[] requirements)
        => new AuthorizationPolicyBuilder(BrowserScheme).AddRequirements([new CallerRequirement(), .. requirements]).Build();
}

using Microsoft.Extensions.Configuration.Memory;
using Portico.Access;
using Portico.Connectors;
using Portico.Gateway;
using Portico.Health;
using Portico.Hosting;
using Portico.Identity;
using Portico.Integrations;
using Portico.Mcp;
using Portico.Policy;
using Portico.Policy.Approvals;
using Portico.Portal;
using Portico.Security;
using Portico.Storage;
using Portico.Tasks;
using Portico.Telemetry;
using Portico.Tools.Catalog;
using Portico.Tools.Conformance;
using Portico.Tools.Diagnostics;
using Portico.Tools.Integrations;
using Portico.Tools.Records;
using Portico.Tools.Records.Transfers;
using Portico.Tools.Session;
using Portico.Tools.Workflows;
using Portico.Toolsets;

namespace Portico;

public static class Program
{
    /// <summary>The server, feature by feature. Tests build it the same way.</summary>
    internal static WebApplication BuildServer(ServeSettings settings, Action<IServiceCollection>? overrideServices = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        // Defaults go first, so the environment (Portico__…, Logging__…) overrides them;
        // the command line's own flags go last and override everything.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Information",
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
                ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Warning",
                ["Logging:LogLevel:ModelContextProtocol"] = "Warning",
                // ASP.NET Core's chatter about each refused credential (Information, several lines); Portico writes one line of its own.
                ["Logging:LogLevel:Portico.Identity.BearerAuthenticationHandler"] = "Warning",
                ["Logging:LogLevel:Portico.Identity.BrowserAuthenticationHandler"] = "Warning",
            },
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["urls"] = settings.Urls,
            [$"{StoreOptions.SectionName}:Store"] = settings.Store,
            [$"{AccessOptions.SectionName}:AllowAnonymousLoopback"] = settings.Conformance ? "true" : "false",
        });
        builder.Configuration.AddInMemoryCollection(settings.Configuration);
        builder.Logging.AddPorticoConsole(builder.Configuration);
        // On for every request, small by default; the endpoints that take more (MCP POST) raise it for their own request.
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = RequestBodies.GlobalLimit(builder.Configuration));

        builder.Services.AddPorticoHosting(builder.Configuration);
        builder.Services.AddPorticoTelemetry(builder.Configuration);
        builder.Services.AddPorticoStorage(builder.Configuration);
        builder.Services.AddPorticoDataProtection(builder.Configuration);
        builder.Services.AddPorticoAccess(builder.Configuration);
        builder.Services.AddPorticoIdentity(builder.Configuration);
        builder.Services.AddPorticoIntegrations();
        builder.Services.AddPorticoPolicy(builder.Configuration);
        builder.Services.AddPorticoTasks(builder.Configuration);
        builder.Services.AddPorticoMcp(builder.Configuration);
        builder.Services.AddPorticoGateway(builder.Configuration);
        builder.Services.AddPorticoConnectors(builder.Configuration);
        builder.Services.AddPorticoToolsets();
        builder.Services.AddPorticoPortal();
        AddPacks(builder.Services, settings.Conformance);
        overrideServices?.Invoke(builder.Services);
        var app = builder.Build();
        // The client's address behind a reverse proxy on this machine (deploy/'s nginx): X-Forwarded-For is
        // believed from loopback proxies only (ASP.NET Core's default KnownProxies), so nobody else can spoof it.
        app.UseForwardedHeaders(new ForwardedHeadersOptions { ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor });
        app.UseMiddleware<RequestIdMiddleware>();
        app.UseMiddleware<JsonStatusCodeMiddleware>();
        app.UseRouting();
        // What runs for a request is decided by its endpoint's metadata, never by its path: the Host/Origin check
        // and CORS, the access policy (a fallback refuses endpoints that declare none), the per-credential limit.
        app.UsePorticoHostOriginCheck();
        app.UsePorticoBrowserPageHeaders();
        // Explicit, after routing: otherwise WebApplication adds authentication first, before any endpoint is known.
        app.UseAuthentication();
        app.UseAuthorization();
        app.UsePorticoPortalForms();
        app.UsePorticoRateLimits();
        app.MapPorticoHealth();
        app.MapPorticoMetrics();
        app.MapPorticoIdentity();
        app.MapPorticoMcp();
        app.MapPorticoGateway();
        app.MapPorticoConnectors();
        app.MapPorticoToolsets();
        app.MapPorticoIntegrations();
        app.MapPorticoApprovals();
        app.MapPorticoTransfers();
        app.MapPorticoWorkflowHooks();
        app.MapPorticoPortal();
        app.UsePorticoShutdownDrain();
        return app;
    }

    /// <summary>The native packs; the CLI reads the integrations they declare from the same list.</summary>
    internal static void AddPacks(IServiceCollection services, bool conformance)
    {
        services.AddMcpPack<DiagnosticsPack>();
        services.AddMcpPack<SessionPack>();
        services.AddMcpPack<CatalogPack>();
        services.AddMcpPack<RecordsPack>();
        services.AddMcpPack<TransfersPack>();
        services.AddMcpPack<WorkflowsPack>();
        services.AddMcpPack<IntegrationsPack>();
        if (conformance)
        {
            services.AddMcpPack<ConformancePack>();
        }
    }

    internal static bool AreLoopbackOnly(string urls)
        => urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).All(url =>
            Uri.TryCreate(url.Replace("://+", "://plus", StringComparison.Ordinal).Replace("://*", "://star", StringComparison.Ordinal), UriKind.Absolute, out var uri)
            && (uri.IsLoopback || uri.Host == "localhost"));
}

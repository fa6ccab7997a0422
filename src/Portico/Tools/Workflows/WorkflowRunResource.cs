using Microsoft.EntityFrameworkCore;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Portico.Access;
using Portico.Catalog;
using Portico.Mcp;
using Portico.Storage;

namespace Portico.Tools.Workflows;

/// <summary>
/// The run resource <c>portico://runs/{id}</c>: the run as <c>get_run_status</c> shows it, as JSON. Only the run's owner,
/// in the run's tenant (the one the call resolves to, as for the tools) and with the workflows read scope, reads it;
/// anyone else gets the answer an unknown URI gets, so the resource is no oracle of which run ids exist.
/// </summary>
internal sealed class WorkflowRunResource(IServiceScopeFactory scopes, TenantResolver tenants)
{
    public const string UriPrefix = "portico://runs/";

    public static readonly ResourceTemplate Template = new()
    {
        UriTemplate = UriPrefix + "{id}",
        Name = "workflow_run",
        Title = "Workflow run",
        Description = "One of your workflow runs (execute_workflow's run_id): status, workflow, version, every step's status, output and error, and timestamps.",
        MimeType = "application/json",
    };

    public async ValueTask<ReadResourceResult> ReadAsync(RequestContext<ReadResourceRequestParams> request, IReadOnlyDictionary<string, string> variables, CancellationToken cancellationToken)
    {
        var uri = request.Params!.Uri;
        var call = McpCallContext.From(request.JsonRpcRequest);
        var id = variables["id"];
        // A run id is 24 hex characters; anything else (a NUL byte PostgreSQL refuses, say) is not found without a query.
        if (!Ids.IsWellFormed(id) || !Scopes.Allows(call.Principal.Scopes, Scopes.Read(WorkflowsPack.PackName)))
        {
            throw McpServerFactory.ResourceNotFound(request, uri);
        }

        var resolution = await tenants.ResolveAsync(call.Principal, null, call.UrlTenantId, call.Session?.ActiveTenantId, cancellationToken);
        if (resolution.Tenant is not { } tenant)
        {
            throw McpServerFactory.ResourceNotFound(request, uri);
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        var ownerId = call.Principal.Id;
        var run = await new TenantData<WorkflowRunEntity>(db, tenant.TenantId).Rows.AsNoTracking()
            .FirstOrDefaultAsync(r => r.Id == id && r.OwnerId == ownerId, cancellationToken)
            ?? throw McpServerFactory.ResourceNotFound(request, uri);
        var steps = await new TenantData<WorkflowStepEntity>(db, tenant.TenantId).Rows.AsNoTracking().Where(s => s.RunId == id).ToListAsync(cancellationToken);
        return new ReadResourceResult
        {
            Contents = [new TextResourceContents { Uri = uri, MimeType = "application/json", Text = WorkflowResults.ToJson(run, steps).ToJsonString() }],
        };
    }
}

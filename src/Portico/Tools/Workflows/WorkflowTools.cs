using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;
using Portico.Access;
using Portico.Catalog;
using Portico.Policy;
using Portico.Schema;
using Portico.Storage;
using Portico.Tasks;

namespace Portico.Tools.Workflows;

/// <summary>
/// The workflows tools. Every query starts from the tenant's rows (<see cref="TenantData{TEntity}"/>, the tenant the
/// pipeline resolved) narrowed to the caller's own: another tenant's or user's workflow or run is not found, by the same
/// query and answer as an id that never existed.
/// </summary>
internal sealed partial class WorkflowTools(IServiceScopeFactory scopes, McpCatalog catalog, ToolAvailability availability, WorkflowEngine engine, WorkflowSchedules schedules, WorkflowHooks hooks, WorkflowApprovalWaits approvalWaits, TaskStore taskStore, IOptionsMonitor<WorkflowOptions> options, TimeProvider time)
{
    public async ValueTask<CallToolResult> ListAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        await using var scope = Open(invocation, out var tenantId, out var ownerId);
        var limit = Integer(invocation, "limit") ?? 50;
        var workflows = await Workflows(scope, tenantId).Where(w => w.OwnerId == ownerId).AsNoTracking()
            .OrderByDescending(w => w.CreatedAt).ThenByDescending(w => w.Id).Take(limit).ToListAsync(cancellationToken);
        var text = new StringBuilder(workflows.Count == 0 ? $"You have no workflows in group '{tenantId}'." : $"{workflows.Count} workflow(s) in group '{tenantId}':");
        foreach (var workflow in workflows)
        {
            text.Append('\n').Append(WorkflowResults.Line(workflow));
        }

        return ToolResults.Structured(text.ToString(), new JsonObject
        {
            ["tenantId"] = tenantId,
            ["workflows"] = new JsonArray([.. workflows.Select(w => (JsonNode)WorkflowResults.ToJson(w, withDefinition: false))]),
        });
    }

    public async ValueTask<CallToolResult> GetAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        await using var scope = Open(invocation, out var tenantId, out var ownerId);
        var id = invocation.GetString("workflow_id")!;
        if (await FindAsync(scope, tenantId, ownerId, id, cancellationToken) is not { } workflow)
        {
            return WorkflowResults.WorkflowNotFound(invocation, tenantId, id);
        }

        var json = WorkflowResults.ToJson(workflow, withDefinition: true);
        var firings = await WorkflowSchedules.NextFiringsAsync(Db(scope), tenantId, workflow.Id, cancellationToken);
        foreach (var trigger in json["triggers"]!.AsArray().OfType<JsonObject>())
        {
            if (firings.TryGetValue((string)trigger["id"]!, out var next))
            {
                trigger["next_at"] = WorkflowResults.Timestamp(next);
            }
        }

        return ToolResults.Structured($"Workflow {workflow.Id} '{workflow.Name}' version {workflow.Version}, {(workflow.ActivatedAt is null ? "inactive" : "active")}:\n{workflow.Definition}",
            new JsonObject { ["workflow"] = json });
    }

    public async ValueTask<CallToolResult> CreateAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        var arguments = Arguments(invocation);
        var definition = WorkflowDefinition.FromJson(arguments);
        var triggers = Triggers(arguments) ?? [WorkflowTrigger.NewManual()];
        if ((await CheckAsync(invocation, definition, cancellationToken) ?? CheckTriggers(invocation, triggers, definition)) is { } invalid)
        {
            return invalid;
        }

        await using var scope = Open(invocation, out var tenantId, out var ownerId);
        var now = Now();
        var workflow = new WorkflowEntity
        {
            TenantId = tenantId,
            Id = Ids.New(),
            OwnerId = ownerId,
            Name = (string)arguments["name"]!,
            Description = (string?)arguments["description"],
            Version = 1,
            Definition = definition.ToJsonText(),
            Triggers = WorkflowTrigger.ToJsonText(triggers),
            CreatedAt = now,
            UpdatedAt = now,
        };
        var rows = new TenantData<WorkflowEntity>(Db(scope), tenantId);
        rows.Add(workflow);
        await rows.SaveChangesAsync(cancellationToken);
        await schedules.ReplaceAsync(Db(scope), workflow, invocation.Call.Principal, cancellationToken);
        var secrets = await hooks.ReplaceAsync(Db(scope), workflow, invocation.Call.Principal, cancellationToken);
        return WithHookSecrets(ToolResults.Structured(
            $"Created workflow {workflow.Id} '{workflow.Name}' (version 1, {definition.Steps.Count} step(s)). It is inactive: call activate_workflow to let it run.",
            new JsonObject { ["workflow"] = WorkflowResults.ToJson(workflow, withDefinition: true) }), secrets);
    }

    public async ValueTask<CallToolResult> UpdateAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        var arguments = Arguments(invocation);
        await using var scope = Open(invocation, out var tenantId, out var ownerId);
        var id = (string)arguments["workflow_id"]!;
        if (await FindAsync(scope, tenantId, ownerId, id, cancellationToken) is not { } current)
        {
            return WorkflowResults.WorkflowNotFound(invocation, tenantId, id);
        }

        var definition = WorkflowDefinition.Parse(current.Definition);
        var redefined = arguments.ContainsKey("steps") || arguments.ContainsKey("input_schema") || arguments.ContainsKey("timeout_seconds");
        if (redefined)
        {
            var merged = definition.ToJson();
            foreach (var key in new[] { "steps", "input_schema", "timeout_seconds" })
            {
                if (arguments.ContainsKey(key))
                {
                    merged[key] = arguments[key]?.DeepClone();
                }
            }

            definition = WorkflowDefinition.FromJson(merged);
            if (await CheckAsync(invocation, definition, cancellationToken) is { } invalid)
            {
                return invalid;
            }
        }

        var given = Triggers(arguments);
        if ((given is not null || redefined) && CheckTriggers(invocation, given ?? WorkflowTrigger.Parse(current.Triggers), definition) is { } invalidTriggers)
        {
            return invalidTriggers;
        }

        var version = redefined ? current.Version + 1 : current.Version;
        var name = (string?)arguments["name"] ?? current.Name;
        var description = arguments.ContainsKey("description") ? (string?)arguments["description"] : current.Description;
        var definitionText = definition.ToJsonText();
        var triggers = given is not null ? WorkflowTrigger.ToJsonText(given) : current.Triggers;
        var now = Now();
        // Compare-and-set on the version read: a concurrent update makes this one match nothing.
        var changed = await Workflows(scope, tenantId)
            .Where(w => w.Id == id && w.OwnerId == ownerId && w.Version == current.Version && w.UpdatedAt == current.UpdatedAt)
            .ExecuteUpdateAsync(s => s
                .SetProperty(w => w.Name, name)
                .SetProperty(w => w.Description, description)
                .SetProperty(w => w.Version, version)
                .SetProperty(w => w.Definition, definitionText)
                .SetProperty(w => w.Triggers, triggers)
                .SetProperty(w => w.UpdatedAt, now), cancellationToken);
        if (changed == 0)
        {
            return ToolError.Result("CONFLICT", $"Workflow '{id}' changed while this update was being made.", "Read it again with get_workflow and repeat the update.", invocation.Call.RequestId);
        }

        var updated = (await FindAsync(scope, tenantId, ownerId, id, cancellationToken))!;
        var secrets = new Dictionary<string, string>(StringComparer.Ordinal);
        if (given is not null)
        {
            // The schedules and webhooks now act as whoever last defined them; every webhook given gets a new id and secret.
            await schedules.ReplaceAsync(Db(scope), updated, invocation.Call.Principal, cancellationToken);
            secrets = await hooks.ReplaceAsync(Db(scope), updated, invocation.Call.Principal, cancellationToken);
        }

        return WithHookSecrets(ToolResults.Structured(
            redefined ? $"Updated workflow {id}: now version {version}. Runs already started keep the version they started with." : $"Updated workflow {id} (version {version} unchanged).",
            new JsonObject { ["workflow"] = WorkflowResults.ToJson(updated, withDefinition: true) }), secrets);
    }

    public async ValueTask<CallToolResult> SetActiveAsync(ToolInvocation invocation, bool active, CancellationToken cancellationToken)
    {
        await using var scope = Open(invocation, out var tenantId, out var ownerId);
        var id = invocation.GetString("workflow_id")!;
        DateTimeOffset? activatedAt = active ? Now() : null;
        var now = Now();
        var changed = await Workflows(scope, tenantId).Where(w => w.Id == id && w.OwnerId == ownerId)
            .ExecuteUpdateAsync(s => s.SetProperty(w => w.ActivatedAt, w => active ? (w.ActivatedAt ?? activatedAt) : null).SetProperty(w => w.UpdatedAt, now), cancellationToken);
        if (changed == 0)
        {
            return WorkflowResults.WorkflowNotFound(invocation, tenantId, id);
        }

        var workflow = (await FindAsync(scope, tenantId, ownerId, id, cancellationToken))!;
        return ToolResults.Structured(active ? $"Workflow {id} '{workflow.Name}' is active: execute_workflow starts runs." : $"Workflow {id} '{workflow.Name}' is inactive: no new runs start.",
            new JsonObject { ["workflow"] = WorkflowResults.ToJson(workflow, withDefinition: false) });
    }

    public async ValueTask<CallToolResult> DeleteAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        await using var scope = Open(invocation, out var tenantId, out var ownerId);
        var id = invocation.GetString("workflow_id")!;
        if (await FindAsync(scope, tenantId, ownerId, id, cancellationToken) is not { } workflow)
        {
            return WorkflowResults.WorkflowNotFound(invocation, tenantId, id);
        }

        var active = await Runs(scope, tenantId).Where(r => r.WorkflowId == id && RunStatuses.Active.Contains(r.Status)).Select(r => r.Id).ToListAsync(cancellationToken);
        // Its runs and their steps go with it (the store cascades); a run in progress here stops now, elsewhere at its lease renewal.
        await Workflows(scope, tenantId).Where(w => w.Id == id && w.OwnerId == ownerId).ExecuteDeleteAsync(cancellationToken);
        foreach (var runId in active)
        {
            engine.CancelHere(runId);
        }

        return ToolResults.Structured($"Deleted workflow {id} '{workflow.Name}' and its runs.", new JsonObject { ["deleted"] = id });
    }

    /// <summary>Adds each new webhook's path and signing secret to the answer: the only time a secret is shown.</summary>
    private static CallToolResult WithHookSecrets(CallToolResult result, Dictionary<string, string> secrets)
    {
        if (secrets.Count == 0 || result.StructuredContent is not { } structured)
        {
            return result;
        }

        var webhooks = new JsonArray();
        var text = new StringBuilder("\nWebhook signing secrets (shown only now; store them where the sender signs deliveries):");
        foreach (var (triggerId, secret) in secrets)
        {
            webhooks.Add(new JsonObject { ["trigger_id"] = triggerId, ["path"] = WorkflowTrigger.HookPath(triggerId), ["secret"] = secret });
            text.Append(CultureInfo.InvariantCulture, $"\n- POST {WorkflowTrigger.HookPath(triggerId)}: {secret}");
        }

        var json = JsonNode.Parse(structured.GetRawText())!.AsObject();
        json["webhooks"] = webhooks;
        return ToolResults.Structured(string.Concat(result.Content.OfType<TextContentBlock>().Select(b => b.Text)) + text, json);
    }

    private AsyncServiceScope Open(ToolInvocation invocation, out string tenantId, out string ownerId)
    {
        tenantId = (invocation.Tenant.Tenant ?? throw new InvalidOperationException("A workflows tool ran without a resolved tenant.")).TenantId;
        ownerId = invocation.Call.Principal.Id;
        return scopes.CreateAsyncScope();
    }

    private static PorticoDbContext Db(AsyncServiceScope scope) => scope.ServiceProvider.GetRequiredService<PorticoDbContext>();

    private static IQueryable<WorkflowEntity> Workflows(AsyncServiceScope scope, string tenantId) => new TenantData<WorkflowEntity>(Db(scope), tenantId).Rows;

    private static IQueryable<WorkflowRunEntity> Runs(AsyncServiceScope scope, string tenantId) => new TenantData<WorkflowRunEntity>(Db(scope), tenantId).Rows;

    private static Task<WorkflowEntity?> FindAsync(AsyncServiceScope scope, string tenantId, string ownerId, string id, CancellationToken cancellationToken)
        => Workflows(scope, tenantId).AsNoTracking().FirstOrDefaultAsync(w => w.Id == id && w.OwnerId == ownerId, cancellationToken);

    private static JsonObject Arguments(ToolInvocation invocation) => JsonNode.Parse(invocation.Arguments.GetRawText()) as JsonObject ?? [];

    private static List<WorkflowTrigger>? Triggers(JsonObject arguments)
        => arguments["triggers"] is JsonArray triggers ? [.. triggers.OfType<JsonObject>().Select(WorkflowTrigger.New)] : null;

    private static int? Integer(ToolInvocation invocation, string name)
        => invocation.Arguments.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number : null;

    /// <summary>Now, at the store's precision, so what a tool returns reads back exactly.</summary>
    private DateTimeOffset Now() => DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());
}

using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using ModelContextProtocol.Protocol;
using Portico.Access;
using Portico.Catalog;
using Portico.Policy;
using Portico.Schema;
using Portico.Storage;

namespace Portico.Tools.Workflows;

/// <summary>
/// The workflows tools. Every query starts from the tenant's rows (<see cref="TenantData{TEntity}"/>, the tenant the
/// pipeline resolved) narrowed to the caller's own: another tenant's or user's workflow or run is not found, by the same
/// query and answer as an id that never existed.
/// </summary>
internal sealed class WorkflowTools(IServiceScopeFactory scopes, McpCatalog catalog, ToolAvailability availability, WorkflowEngine engine, WorkflowSchedules schedules, TimeProvider time)
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
        return ToolResults.Structured(
            $"Created workflow {workflow.Id} '{workflow.Name}' (version 1, {definition.Steps.Count} step(s)). It is inactive: call activate_workflow to let it run.",
            new JsonObject { ["workflow"] = WorkflowResults.ToJson(workflow, withDefinition: true) });
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
        if (given is not null)
        {
            // The schedules now act as whoever last defined them.
            await schedules.ReplaceAsync(Db(scope), updated, invocation.Call.Principal, cancellationToken);
        }

        return ToolResults.Structured(
            redefined ? $"Updated workflow {id}: now version {version}. Runs already started keep the version they started with." : $"Updated workflow {id} (version {version} unchanged).",
            new JsonObject { ["workflow"] = WorkflowResults.ToJson(updated, withDefinition: true) });
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

    public async ValueTask<CallToolResult> ExecuteAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        var arguments = Arguments(invocation);
        await using var scope = Open(invocation, out var tenantId, out var ownerId);
        var id = (string)arguments["workflow_id"]!;
        if (await FindAsync(scope, tenantId, ownerId, id, cancellationToken) is not { } workflow)
        {
            return WorkflowResults.WorkflowNotFound(invocation, tenantId, id);
        }

        if (workflow.ActivatedAt is null)
        {
            return WorkflowResults.NotActivated(invocation, workflow);
        }

        var triggerId = (string?)arguments["trigger_id"];
        var trigger = WorkflowTrigger.Parse(workflow.Triggers).FirstOrDefault(t => triggerId is null ? t.Type == WorkflowTrigger.Manual : t.Id == triggerId);
        if (trigger is null)
        {
            return WorkflowResults.NoTrigger(invocation, workflow, triggerId);
        }

        var input = arguments["input"] as JsonObject ?? [];
        var definition = WorkflowDefinition.Parse(workflow.Definition);
        if (definition.InputSchema is { } inputSchema
            && JsonSchemaCompiler.Compile(WorkflowDefinition.ToElement(inputSchema)).Validate(WorkflowDefinition.ToElement(input)) is { Count: > 0 } violations)
        {
            return WorkflowResults.Invalid(invocation, "input" + violations[0].Path,
                $"The input does not meet the workflow's input_schema: {string.Join(" ", violations.Take(5).Select(v => v.Message))}",
                "get_workflow shows the input_schema; pass input that meets it.",
                [.. violations.Select(v => (JsonNode)new JsonObject { ["path"] = v.Path, ["message"] = v.Message })]);
        }

        var now = Now();
        var run = new WorkflowRunEntity
        {
            TenantId = tenantId,
            Id = Ids.New(),
            WorkflowId = workflow.Id,
            WorkflowVersion = workflow.Version,
            Definition = workflow.Definition,
            TriggerId = trigger.Id,
            OwnerId = ownerId,
            CredentialKind = "",
            Scopes = "",
            Status = RunStatuses.Queued,
            Input = input.ToJsonString(),
            DueAt = now,
            CreatedAt = now,
            UpdatedAt = now,
        };
        RunCredentials.Capture(invocation.Call.Principal, run);
        var runs = new TenantData<WorkflowRunEntity>(Db(scope), tenantId);
        runs.Add(run);
        await runs.SaveChangesAsync(cancellationToken);
        engine.Wake();
        return ToolResults.Structured($"Started run {run.Id} of workflow {workflow.Id} '{workflow.Name}' (version {workflow.Version}); it is queued. Follow it with get_run_status.",
            new JsonObject { ["run_id"] = run.Id, ["workflow_id"] = workflow.Id, ["workflow_version"] = workflow.Version, ["trigger_id"] = trigger.Id, ["status"] = run.Status });
    }

    public async ValueTask<CallToolResult> GetRunAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        await using var scope = Open(invocation, out var tenantId, out var ownerId);
        var id = invocation.GetString("run_id")!;
        var run = await Runs(scope, tenantId).AsNoTracking().FirstOrDefaultAsync(r => r.Id == id && r.OwnerId == ownerId, cancellationToken);
        if (run is null)
        {
            return WorkflowResults.RunNotFound(invocation, tenantId, id);
        }

        var steps = await new TenantData<WorkflowStepEntity>(Db(scope), tenantId).Rows.AsNoTracking().Where(s => s.RunId == id).ToListAsync(cancellationToken);
        var json = WorkflowResults.ToJson(run, steps);
        var text = new StringBuilder($"Run {run.Id}: {run.Status}");
        if (run.Error is not null)
        {
            text.Append(" — ").Append(run.Error);
        }

        foreach (var step in json["steps"]!.AsArray())
        {
            text.Append(CultureInfo.InvariantCulture, $"\n- {(string?)step!["name"]} ({(string?)step["tool"]}): {(string?)step["status"]}");
        }

        return ToolResults.Structured(text.ToString(), new JsonObject { ["run"] = json });
    }

    public async ValueTask<CallToolResult> ListRunsAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        await using var scope = Open(invocation, out var tenantId, out var ownerId);
        var query = Runs(scope, tenantId).AsNoTracking().Where(r => r.OwnerId == ownerId);
        if (invocation.GetString("workflow_id") is { } workflowId)
        {
            query = query.Where(r => r.WorkflowId == workflowId);
        }

        if (invocation.GetString("status") is { } status)
        {
            query = query.Where(r => r.Status == status);
        }

        var runs = await query.OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id).Take(Integer(invocation, "limit") ?? 20).ToListAsync(cancellationToken);
        var text = new StringBuilder(runs.Count == 0 ? $"No runs of yours in group '{tenantId}' match." : $"{runs.Count} run(s), newest first:");
        foreach (var run in runs)
        {
            text.Append('\n').Append(WorkflowResults.Line(run));
        }

        return ToolResults.Structured(text.ToString(), new JsonObject
        {
            ["tenantId"] = tenantId,
            ["runs"] = new JsonArray([.. runs.Select(r => (JsonNode)WorkflowResults.ToJson(r, null))]),
        });
    }

    public async ValueTask<CallToolResult> CancelRunAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        await using var scope = Open(invocation, out var tenantId, out var ownerId);
        var id = invocation.GetString("run_id")!;
        var now = Now();
        var cancelled = await Runs(scope, tenantId).Where(r => r.Id == id && r.OwnerId == ownerId && RunStatuses.Active.Contains(r.Status))
            .ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Status, RunStatuses.Cancelled)
                .SetProperty(r => r.Error, "Cancelled with cancel_run.")
                .SetProperty(r => r.FinishedAt, now)
                .SetProperty(r => r.UpdatedAt, now)
                .SetProperty(r => r.LeaseHolder, (string?)null)
                .SetProperty(r => r.LeaseUntil, (DateTimeOffset?)null), cancellationToken);
        var run = await Runs(scope, tenantId).AsNoTracking().FirstOrDefaultAsync(r => r.Id == id && r.OwnerId == ownerId, cancellationToken);
        if (run is null)
        {
            return WorkflowResults.RunNotFound(invocation, tenantId, id);
        }

        if (cancelled == 0)
        {
            return ToolError.Result("RUN_ENDED", $"Run '{id}' already ended ({run.Status}); nothing was cancelled.", "get_run_status shows how it ended.", invocation.Call.RequestId,
                new JsonObject { ["run_id"] = id, ["status"] = run.Status });
        }

        engine.CancelHere(id);
        return ToolResults.Structured($"Cancelled run {id}: the step in progress is stopped and no further step runs.",
            new JsonObject { ["run"] = WorkflowResults.ToJson(run, null) });
    }

    /// <summary>
    /// What the pack's schema cannot say: step names unique, every tool known and usable by the caller now (not this
    /// pack's own: a workflow does not start workflows), every template reading the input or an earlier step, and an
    /// input schema Portico can check.
    /// </summary>
    private async Task<CallToolResult?> CheckAsync(ToolInvocation invocation, WorkflowDefinition definition, CancellationToken cancellationToken)
    {
        var problems = new JsonArray();
        var earlier = new List<string>();
        for (var index = 0; index < definition.Steps.Count; index++)
        {
            var step = definition.Steps[index];
            var path = string.Create(CultureInfo.InvariantCulture, $"steps[{index}]");
            if (earlier.Contains(step.Name))
            {
                problems.Add(Problem($"{path}.name", $"Step name '{step.Name}' is used twice; later steps read outputs by name, so each must be unique."));
            }

            if (!catalog.TryGetTool(step.Tool, out var tool)
                || ToolGate.Check(tool, invocation.Call.Principal, invocation.Tenant.Tier) is not null
                || await availability.CheckAsync(tool, invocation.Call.Principal, invocation.Tenant, cancellationToken) is not null)
            {
                problems.Add(Problem($"{path}.tool", $"Step '{step.Name}': no tool '{step.Tool}' is available to you in this group (list_available_tools shows the ones that are)."));
            }
            else if (tool.Owner == WorkflowsPack.PackName)
            {
                problems.Add(Problem($"{path}.tool", $"Step '{step.Name}': a workflow step cannot call the workflows tools ('{step.Tool}')."));
            }

            foreach (var problem in WorkflowTemplate.Check(step.Arguments, earlier))
            {
                problems.Add(Problem($"{path}.arguments", $"Step '{step.Name}': {problem}"));
            }

            earlier.Add(step.Name);
        }

        if (definition.InputSchema is { } schema)
        {
            try
            {
                JsonSchemaCompiler.Compile(WorkflowDefinition.ToElement(schema));
            }
            catch (Exception ex) when (ex is UnsupportedSchemaException or JsonException or ArgumentException or InvalidOperationException)
            {
                problems.Add(Problem("input_schema", $"The input_schema cannot be used: {ex.Message}"));
            }
        }

        if (problems.Count == 0)
        {
            return null;
        }

        var first = problems[0]!;
        return WorkflowResults.Invalid(invocation, (string)first["path"]!,
            problems.Count == 1 ? (string)first["message"]! : $"{problems.Count} problems: " + string.Join(" ", problems.Take(5).Select(p => (string)p!["message"]!)),
            "Fix the listed steps and call again; see docs/workflows.md for the step and template syntax.", problems);
    }

    private static JsonObject Problem(string path, string message) => new() { ["path"] = path, ["message"] = message };

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

    /// <summary>Schedules need the pro plan, a cron expression and time zone that fire, and an input the workflow's input_schema accepts.</summary>
    private CallToolResult? CheckTriggers(ToolInvocation invocation, IReadOnlyList<WorkflowTrigger> triggers, WorkflowDefinition definition)
    {
        var scheduled = triggers.Where(t => t.Type == WorkflowTrigger.Schedule).ToList();
        if (scheduled.Count == 0)
        {
            return null;
        }

        if (invocation.Tenant.Tier < Tier.Pro)
        {
            return ToolError.Result(ToolGate.TierRequired, $"Schedule triggers require tier '{Plans.Name(Tier.Pro)}' (current: '{Plans.Name(invocation.Tenant.Tier)}').",
                "Upgrade the group's plan, or start runs with execute_workflow (manual triggers work on every plan).", invocation.Call.RequestId);
        }

        var problems = new JsonArray();
        var inputSchema = definition.InputSchema is { } schema ? JsonSchemaCompiler.Compile(WorkflowDefinition.ToElement(schema)) : null;
        for (var index = 0; index < triggers.Count; index++)
        {
            var trigger = triggers[index];
            if (trigger.Type != WorkflowTrigger.Schedule)
            {
                continue;
            }

            var path = string.Create(CultureInfo.InvariantCulture, $"triggers[{index}]");
            if (WorkflowSchedules.Check(trigger, time.GetUtcNow()) is { } problem)
            {
                problems.Add(Problem(path, $"Schedule trigger: {problem}"));
            }

            if (inputSchema?.Validate(WorkflowDefinition.ToElement(trigger.Input ?? [])) is { Count: > 0 } violations)
            {
                problems.Add(Problem($"{path}.input", $"Schedule trigger: its input does not meet the input_schema: {violations[0].Message}"));
            }
        }

        return problems.Count == 0 ? null
            : WorkflowResults.Invalid(invocation, (string)problems[0]!["path"]!, string.Join(" ", problems.Select(p => (string)p!["message"]!)),
                "Fix the schedule triggers and call again; see docs/workflows.md.", problems);
    }

    private static int? Integer(ToolInvocation invocation, string name)
        => invocation.Arguments.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number : null;

    /// <summary>Now, at the store's precision, so what a tool returns reads back exactly.</summary>
    private DateTimeOffset Now() => DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());
}

using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using ModelContextProtocol.Protocol;
using Portico.Access;
using Portico.Catalog;
using Portico.Storage;

namespace Portico.Tools.Workflows;

/// <summary>
/// Durable workflows (docs/workflows.md): a tenant member defines ordered tool-calling steps, activates the workflow and
/// runs it; the engine on every instance runs each run to an end through the same policy pipeline as an interactive
/// call, as its owner. Workflows and runs belong to their owner in their tenant: anyone else's id is "not found", the
/// same answer an id that never existed gets.
/// </summary>
internal sealed class WorkflowsPack(IServiceProvider services) : IMcpPack
{
    public const string PackName = "workflows";

    private static readonly string ReadScope = Scopes.Read("workflows");
    private static readonly string WriteScope = Scopes.Write("workflows");

    public string Name => PackName;

    public static void AddServices(IServiceCollection services)
    {
        services.AddStoreEntity(new WorkflowEntityConfiguration());
        services.AddStoreEntity(new WorkflowRunEntityConfiguration());
        services.AddStoreEntity(new WorkflowStepEntityConfiguration());
        services.AddStoreEntity(new WorkflowScheduleEntityConfiguration());
        services.AddStoreEntity(new WorkflowHookEntityConfiguration());
        services.AddStoreEntity(new WorkflowHookDeliveryEntityConfiguration());
        services.AddOptions<WorkflowOptions>().BindConfiguration(WorkflowOptions.SectionName);
        services.AddSingleton<WorkflowTools>();
        services.AddSingleton<WorkflowRunResource>();
        services.AddSingleton<RunCredentials>();
        services.AddSingleton<WorkflowStepCaller>();
        services.AddSingleton<WorkflowRunExecutor>();
        services.AddSingleton<WorkflowApprovalWaits>();
        services.AddSingleton<WorkflowSchedules>();
        services.AddSingleton<WorkflowHooks>();
        // POST /hooks/{id}: the signature is the credential, checked by its own scheme under its own policy.
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, WorkflowHookAuthentication>(WorkflowHookAuthentication.SchemeName, null);
        services.AddAuthorization(o => o.AddPolicy(WorkflowHookAuthentication.PolicyName,
            new AuthorizationPolicyBuilder(WorkflowHookAuthentication.SchemeName).RequireAuthenticatedUser().Build()));
        services.AddSingleton<WorkflowEngine>();
        services.AddHostedService(sp => sp.GetRequiredService<WorkflowEngine>());
    }

    public void Register(CatalogBuilder catalog)
    {
        Add(catalog, "list_workflows", "List workflows", "Lists your workflows in the active group, newest first: id, name, version, whether active, triggers.",
            WorkflowSchemas.List, ReadScope, readOnly: true, (t, i, c) => t.ListAsync(i, c));
        Add(catalog, "get_workflow", "Get workflow", "Returns one of your workflows: its steps, input schema, triggers, version and whether it is active.",
            WorkflowSchemas.Get, ReadScope, readOnly: true, (t, i, c) => t.GetAsync(i, c));
        Add(catalog, "create_workflow", "Create workflow",
            "Creates a workflow (inactive until activate_workflow): ordered steps, each calling a tool you may use with arguments that may read the run's input and earlier steps' outputs ({{ input.x }}, {{ steps.<name>.output.… }}). Every tool is checked now.",
            WorkflowSchemas.Create, WriteScope, readOnly: false, (t, i, c) => t.CreateAsync(i, c),
            [new JsonObject
            {
                ["name"] = "Note a contact",
                ["input_schema"] = new JsonObject { ["type"] = "object", ["properties"] = new JsonObject { ["name"] = new JsonObject { ["type"] = "string" } }, ["required"] = new JsonArray("name") },
                ["steps"] = new JsonArray(new JsonObject
                {
                    ["name"] = "save",
                    ["tool"] = "create-record",
                    ["arguments"] = new JsonObject { ["collection"] = "contacts", ["data"] = new JsonObject { ["name"] = "{{ input.name }}" } },
                    ["retries"] = 2,
                }),
            }]);
        Add(catalog, "update_workflow", "Update workflow",
            "Changes a workflow. New steps, input schema or timeout make a new version; runs already started keep the version they started with.",
            WorkflowSchemas.Update, WriteScope, readOnly: false, (t, i, c) => t.UpdateAsync(i, c));
        Add(catalog, "activate_workflow", "Activate workflow", "Activates a workflow so it can run.",
            WorkflowSchemas.Get, WriteScope, readOnly: false, (t, i, c) => t.SetActiveAsync(i, active: true, c));
        Add(catalog, "deactivate_workflow", "Deactivate workflow", "Deactivates a workflow: no new runs start (runs already started go on).",
            WorkflowSchemas.Get, WriteScope, readOnly: false, (t, i, c) => t.SetActiveAsync(i, active: false, c));
        Add(catalog, "delete_workflow", "Delete workflow", "Permanently deletes a workflow and all its runs (a run in progress stops). Requires confirm: true.",
            WorkflowSchemas.Delete, WriteScope, readOnly: false, (t, i, c) => t.DeleteAsync(i, c), destructive: true);
        Add(catalog, "execute_workflow", "Execute workflow",
            "Starts a run of an active workflow with the given input (by its manual trigger, or trigger_id) and returns its run_id at once; follow it with get_run_status. Called as a task (the tasks extension), the task ends with the run and its result; cancelling the task cancels the run.",
            WorkflowSchemas.Execute, WriteScope, readOnly: false, (t, i, c) => t.ExecuteAsync(i, c), taskSupport: TaskSupport.Optional);
        Add(catalog, "get_run_status", "Get run status", "Returns a run: its status, the failing step and error if it failed, and every step's attempts, output and error.",
            WorkflowSchemas.RunStatus, ReadScope, readOnly: true, (t, i, c) => t.GetRunAsync(i, c));
        Add(catalog, "list_runs", "List runs", "Lists your runs in the active group, newest first, optionally of one workflow or status.",
            WorkflowSchemas.ListRuns, ReadScope, readOnly: true, (t, i, c) => t.ListRunsAsync(i, c));
        Add(catalog, "cancel_run", "Cancel run", "Cancels a queued or running run: the step in progress is stopped and no further step runs.",
            WorkflowSchemas.CancelRun, WriteScope, readOnly: false, (t, i, c) => t.CancelRunAsync(i, c));
        catalog.AddResourceTemplate(WorkflowRunResource.Template,
            (request, variables, cancellationToken) => services.GetRequiredService<WorkflowRunResource>().ReadAsync(request, variables, cancellationToken));
    }

    private void Add(CatalogBuilder catalog, string name, string title, string description, System.Text.Json.JsonElement schema, string scope, bool readOnly,
        Func<WorkflowTools, ToolInvocation, CancellationToken, ValueTask<CallToolResult>> handler, IReadOnlyList<JsonObject>? examples = null, bool destructive = false, TaskSupport taskSupport = TaskSupport.Forbidden)
        => catalog.AddTool(new ToolDefinition
        {
            Tool = TenantArgument.AddTo(new Tool
            {
                Name = name,
                Title = title,
                Description = description,
                InputSchema = schema,
                Annotations = new ToolAnnotations { ReadOnlyHint = readOnly, DestructiveHint = readOnly ? null : destructive, IdempotentHint = readOnly, OpenWorldHint = false },
            }),
            // Resolved per call: the tools read the catalog, which is built from the packs.
            Handler = (invocation, cancellationToken) => handler(services.GetRequiredService<WorkflowTools>(), invocation, cancellationToken),
            Owner = catalog.CurrentOwner,
            RequiredScope = scope,
            Write = !readOnly,
            NeedsTenant = true,
            Examples = examples ?? [],
            TaskSupport = taskSupport,
        });
}

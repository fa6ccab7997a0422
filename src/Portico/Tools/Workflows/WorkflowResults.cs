using System.Globalization;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using Portico.Catalog;

namespace Portico.Tools.Workflows;

/// <summary>How the workflows tools answer: the seed's messages with hints, and workflows and runs as JSON.</summary>
internal static class WorkflowResults
{
    /// <summary>
    /// The one answer for an id that is not the caller's: another tenant's, another user's, or none at all. The query
    /// that finds nothing is the same in every case, so neither the answer nor its timing tells them apart.
    /// </summary>
    public static CallToolResult WorkflowNotFound(ToolInvocation invocation, string tenantId, string id)
        => ToolError.Result("NOT_FOUND", $"Workflow not found: no workflow '{id}' of yours in group '{tenantId}'.",
            "Workflow ids belong to the user whose key created them; call list_workflows for yours (pass tenantId for another of your groups).",
            invocation.Call.RequestId, new JsonObject { ["workflow_id"] = id, ["tenantId"] = tenantId });

    /// <summary>As <see cref="WorkflowNotFound"/>, for runs.</summary>
    public static CallToolResult RunNotFound(ToolInvocation invocation, string tenantId, string id)
        => ToolError.Result("NOT_FOUND", $"Run not found: no run '{id}' of yours in group '{tenantId}'.",
            "Run ids belong to the user who started them; call list_runs for yours (pass tenantId for another of your groups).",
            invocation.Call.RequestId, new JsonObject { ["run_id"] = id, ["tenantId"] = tenantId });

    public static CallToolResult NotActivated(ToolInvocation invocation, WorkflowEntity workflow)
        => ToolError.Result("WORKFLOW_NOT_ACTIVE", $"Workflow is not activated: '{workflow.Name}' ({workflow.Id}) cannot run until it is activated.",
            "Call activate_workflow with this workflow_id, then execute_workflow again.", invocation.Call.RequestId,
            new JsonObject { ["workflow_id"] = workflow.Id });

    public static CallToolResult NoTrigger(ToolInvocation invocation, WorkflowEntity workflow, string? triggerId)
        => ToolError.Result("NO_TRIGGER", triggerId is null
                ? $"No trigger available for this workflow: '{workflow.Name}' ({workflow.Id}) has no manual trigger."
                : $"No trigger available for this workflow: '{workflow.Name}' ({workflow.Id}) has no trigger '{triggerId}'.",
            "Without trigger_id the workflow's manual trigger is used; get_workflow lists its triggers, and update_workflow with triggers: [{\"type\": \"manual\"}] adds one.",
            invocation.Call.RequestId, new JsonObject { ["workflow_id"] = workflow.Id, ["trigger_id"] = triggerId });

    public static CallToolResult Invalid(ToolInvocation invocation, string path, string message, string hint, JsonArray? problems = null)
        => ToolError.Result("VALIDATION_FAILED", message, hint, invocation.Call.RequestId, new JsonObject { ["path"] = path, ["errors"] = problems });

    public static JsonObject ToJson(WorkflowEntity workflow, bool withDefinition) => new()
    {
        ["workflow_id"] = workflow.Id,
        ["tenantId"] = workflow.TenantId,
        ["name"] = workflow.Name,
        ["description"] = workflow.Description,
        ["version"] = workflow.Version,
        ["active"] = workflow.ActivatedAt is not null,
        ["activated_at"] = Timestamp(workflow.ActivatedAt),
        ["triggers"] = JsonNode.Parse(workflow.Triggers),
        ["definition"] = withDefinition ? JsonNode.Parse(workflow.Definition) : null,
        ["created_at"] = Timestamp(workflow.CreatedAt),
        ["updated_at"] = Timestamp(workflow.UpdatedAt),
    };

    /// <summary>A run with every step of its version: recorded ones as recorded, the others <c>pending</c>.</summary>
    public static JsonObject ToJson(WorkflowRunEntity run, IReadOnlyList<WorkflowStepEntity>? recorded)
    {
        var json = new JsonObject
        {
            ["run_id"] = run.Id,
            ["workflow_id"] = run.WorkflowId,
            ["workflow_version"] = run.WorkflowVersion,
            ["trigger_id"] = run.TriggerId,
            ["status"] = run.Status,
            ["failed_step"] = run.FailedStep,
            ["error"] = run.Error,
            ["created_at"] = Timestamp(run.CreatedAt),
            ["started_at"] = Timestamp(run.StartedAt),
            ["finished_at"] = Timestamp(run.FinishedAt),
        };
        if (recorded is null)
        {
            return json;
        }

        json["input"] = JsonNode.Parse(run.Input);
        var steps = new JsonArray();
        var definition = WorkflowDefinition.Parse(run.Definition);
        for (var index = 0; index < definition.Steps.Count; index++)
        {
            var step = definition.Steps[index];
            var row = recorded.FirstOrDefault(s => s.StepIndex == index);
            steps.Add(new JsonObject
            {
                ["index"] = index,
                ["name"] = step.Name,
                ["tool"] = step.Tool,
                ["status"] = row?.Status ?? "pending",
                ["attempt"] = row?.Attempt ?? 0,
                ["output"] = row?.Output is { } output ? JsonNode.Parse(output) : null,
                ["error"] = row?.Error is { } error ? JsonNode.Parse(error) : null,
                ["started_at"] = Timestamp(row?.StartedAt),
                ["finished_at"] = Timestamp(row?.FinishedAt),
            });
        }

        json["steps"] = steps;
        return json;
    }

    public static string Line(WorkflowEntity workflow)
        => string.Create(CultureInfo.InvariantCulture, $"- {workflow.Id} '{workflow.Name}' v{workflow.Version} {(workflow.ActivatedAt is null ? "inactive" : "active")}");

    public static string Line(WorkflowRunEntity run)
        => $"- {run.Id} of {run.WorkflowId} v{run.WorkflowVersion.ToString(CultureInfo.InvariantCulture)}: {run.Status}{(run.FailedStep is null ? "" : $" at step '{run.FailedStep}'")}";

    public static string? Timestamp(DateTimeOffset? time)
        => time?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}

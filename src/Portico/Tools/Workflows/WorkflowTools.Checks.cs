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

/// <summary>What create_workflow and update_workflow check beyond the pack's input schema.</summary>
internal sealed partial class WorkflowTools
{
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

    /// <summary>
    /// Schedules and webhooks need the pro plan; a schedule needs a cron expression and time zone that fire, and an input
    /// the workflow's input_schema accepts.
    /// </summary>
    private CallToolResult? CheckTriggers(ToolInvocation invocation, IReadOnlyList<WorkflowTrigger> triggers, WorkflowDefinition definition)
    {
        if (invocation.Tenant.Tier < Tier.Pro && triggers.FirstOrDefault(t => t.Type is WorkflowTrigger.Schedule or WorkflowTrigger.Webhook) is { } gated)
        {
            return ToolError.Result(ToolGate.TierRequired,
                $"{(gated.Type == WorkflowTrigger.Schedule ? "Schedule" : "Webhook")} triggers require tier '{Plans.Name(Tier.Pro)}' (current: '{Plans.Name(invocation.Tenant.Tier)}').",
                "Upgrade the group's plan, or start runs with execute_workflow (manual triggers work on every plan).", invocation.Call.RequestId);
        }

        var scheduled = triggers.Where(t => t.Type == WorkflowTrigger.Schedule).ToList();
        if (scheduled.Count == 0)
        {
            return null;
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
}

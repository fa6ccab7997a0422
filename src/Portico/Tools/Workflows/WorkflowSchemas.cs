using System.Text.Json;
using System.Text.Json.Nodes;
using Portico.Catalog;

namespace Portico.Tools.Workflows;

/// <summary>Input schemas of the workflows tools (the pack adds the optional <c>tenantId</c> to each, as tenant packs do).</summary>
internal static class WorkflowSchemas
{
    public const int MaxSteps = 50;

    private const string Id = """
        { "type": "string", "pattern": "^[0-9a-f]{24}$", "description": "The workflow id (24 lowercase hex characters), as create_workflow or list_workflows returned it." }
        """;

    private const string RunId = """
        { "type": "string", "pattern": "^[0-9a-f]{24}$", "description": "The run id (24 lowercase hex characters), as execute_workflow or list_runs returned it." }
        """;

    private const string Steps = """
        {
          "type": "array", "minItems": 1, "maxItems": 50,
          "description": "The steps, run in order. Each calls one tool you may use, with arguments that may read the run's input and earlier steps' outputs: {{ input.x }}, {{ steps.<name>.output.items[0].id }} (see docs/workflows.md).",
          "items": {
            "type": "object",
            "properties": {
              "name": { "type": "string", "pattern": "^[a-z][a-z0-9_]{0,62}$", "description": "Unique within the workflow; later steps read this step's output as steps.<name>.output." },
              "tool": { "type": "string", "minLength": 1, "maxLength": 200, "description": "The tool to call, as tools/list names it." },
              "arguments": { "type": "object", "description": "The tool's arguments; strings may hold {{ … }} placeholders. A string that is one placeholder becomes the value it names." },
              "timeout_seconds": { "type": "integer", "minimum": 1, "maximum": 3600, "description": "How long one attempt may take; default: the tool's own timeout." },
              "retries": { "type": "integer", "minimum": 0, "maximum": 10, "default": 0, "description": "Attempts after a failed one." },
              "backoff_seconds": { "type": "number", "minimum": 0, "maximum": 3600, "default": 1, "description": "Wait before the first retry; doubles at each further retry." },
              "continue_on_error": { "type": "boolean", "default": false, "description": "When the step fails after its retries, go on (its output is null, its error recorded) instead of failing the run." },
              "idempotent": { "type": "boolean", "default": true, "description": "Whether calling it twice is safe. A step that is not is never re-run after an instance stopped mid-call: the run fails instead." }
            },
            "required": ["name", "tool"],
            "additionalProperties": false
          }
        }
        """;

    private const string InputSchema = """
        { "type": "object", "description": "A JSON Schema (2020-12) the run input must meet; execute_workflow refuses input that does not." }
        """;

    private const string Triggers = """
        {
          "type": "array", "maxItems": 10,
          "description": "How runs may start; default: one manual trigger (execute_workflow). A workflow without a trigger cannot run. Schedule and webhook triggers need the pro plan. Giving triggers replaces them all: a webhook given again gets a new id and secret.",
          "items": {
            "type": "object",
            "properties": {
              "type": { "enum": ["manual", "schedule", "webhook"], "description": "manual: started with execute_workflow. schedule: started at every occurrence of 'cron' in 'time_zone'. webhook: started by a signed POST /hooks/{trigger id} whose JSON body is the input; its signing secret is shown once, in this call's answer." },
              "cron": { "type": "string", "minLength": 1, "maxLength": 100, "description": "For a schedule: five fields (minute hour day month weekday) or six with seconds first, e.g. \"0 9 * * 1-5\"." },
              "time_zone": { "type": "string", "minLength": 1, "maxLength": 64, "description": "For a schedule: an IANA time zone such as \"Europe/Paris\"; default UTC." },
              "input": { "type": "object", "description": "For a schedule: the input of the runs it starts (checked against input_schema)." }
            },
            "required": ["type"],
            "additionalProperties": false
          }
        }
        """;

    private const string Timeout = """
        { "type": "integer", "minimum": 1, "maximum": 86400, "description": "How long a run may take from its start; past it the run ends timed_out." }
        """;

    public static readonly JsonElement List = Schema("""
        { "limit": { "type": "integer", "minimum": 1, "maximum": 100, "default": 50, "description": "Workflows to return, newest first." } }
        """);

    public static readonly JsonElement Get = Schema($$"""{ "workflow_id": {{Id}} }""", "workflow_id");

    public static readonly JsonElement Create = Schema($$"""
        {
          "name": { "type": "string", "minLength": 1, "maxLength": 100 },
          "description": { "type": "string", "maxLength": 1000 },
          "steps": {{Steps}},
          "input_schema": {{InputSchema}},
          "triggers": {{Triggers}},
          "timeout_seconds": {{Timeout}}
        }
        """, "name", "steps");

    public static readonly JsonElement Update = Schema($$"""
        {
          "workflow_id": {{Id}},
          "name": { "type": "string", "minLength": 1, "maxLength": 100 },
          "description": { "type": "string", "maxLength": 1000 },
          "steps": {{Steps}},
          "input_schema": {{InputSchema}},
          "triggers": {{Triggers}},
          "timeout_seconds": {{Timeout}}
        }
        """, "workflow_id");

    public static readonly JsonElement Delete = Schema($$"""
        {
          "workflow_id": {{Id}},
          "confirm": { "type": "boolean", "description": "Must be true: the workflow and all its runs are deleted, which cannot be undone." }
        }
        """, "workflow_id");

    public static readonly JsonElement Execute = Schema($$"""
        {
          "workflow_id": {{Id}},
          "input": { "type": "object", "description": "The run's input, read by steps through input placeholders; checked against the workflow's input_schema." },
          "trigger_id": { "type": "string", "maxLength": 64, "description": "The trigger to start by; default: the workflow's manual trigger." }
        }
        """, "workflow_id");

    public static readonly JsonElement RunStatus = Schema($$"""{ "run_id": {{RunId}} }""", "run_id");

    public static readonly JsonElement ListRuns = Schema($$"""
        {
          "workflow_id": {{Id}},
          "status": { "enum": ["queued", "running", "waiting_approval", "succeeded", "failed", "cancelled", "timed_out"] },
          "limit": { "type": "integer", "minimum": 1, "maximum": 100, "default": 20, "description": "Runs to return, newest first." }
        }
        """);

    public static readonly JsonElement CancelRun = Schema($$"""{ "run_id": {{RunId}} }""", "run_id");

    private static JsonElement Schema(string properties, params string[] required)
    {
        var schema = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = JsonNode.Parse(properties)!.AsObject(),
            ["required"] = new JsonArray([.. required.Select(r => JsonValue.Create(r))]),
            ["additionalProperties"] = false,
        };
        return JsonSerializer.SerializeToElement(schema, McpJson.Options.GetTypeInfo(typeof(JsonObject)));
    }
}

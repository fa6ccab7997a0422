using System.Text.Json.Nodes;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Tasks;

/// <summary>
/// 2026-07-28 requests as the tasks scenarios send them: stateless, with the per-request <c>_meta</c> (and the tasks
/// extension in its client capabilities unless told otherwise) and the routing headers mirroring the body.
/// </summary>
internal sealed class TaskCalls(HttpClient client, string path = "/mcp")
{
    public const string Revision = "2026-07-28";
    public const string Extension = "io.modelcontextprotocol/tasks";

    private readonly McpHttp _http = new(client, path);
    private int _id;

    /// <summary>Sends <paramref name="method"/>; returns the JSON-RPC message that answers it (with <c>result</c> or <c>error</c>).</summary>
    public async Task<JsonObject> SendAsync(string method, JsonObject parameters, bool declareTasks = true)
    {
        var capabilities = new JsonObject();
        if (declareTasks)
        {
            capabilities["extensions"] = new JsonObject { [Extension] = new JsonObject() };
        }

        parameters["_meta"] = new JsonObject
        {
            ["io.modelcontextprotocol/protocolVersion"] = Revision,
            ["io.modelcontextprotocol/clientCapabilities"] = capabilities,
            ["io.modelcontextprotocol/clientInfo"] = new JsonObject { ["name"] = "portico-tests", ["version"] = "1.0" },
        };
        var headers = new Dictionary<string, string> { ["Mcp-Method"] = method };
        if (parameters["name"] is JsonValue name)
        {
            headers["Mcp-Name"] = name.ToString();
        }
        else if (parameters["taskId"] is JsonValue taskId && taskId.TryGetValue<string>(out var id) && id.Length < 1000)
        {
            headers["Mcp-Name"] = id;
        }

        var request = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = Interlocked.Increment(ref _id), ["method"] = method, ["params"] = parameters };
        var response = await _http.PostAsync(request.ToJsonString(), protocolVersion: Revision, headers: headers);
        return response.Final;
    }

    public async Task<JsonObject> CallAsync(string tool, JsonObject? arguments = null, bool declareTasks = true)
        => Result(await SendAsync("tools/call", new JsonObject { ["name"] = tool, ["arguments"] = arguments ?? new JsonObject() }, declareTasks));

    /// <summary>Calls a task-supporting tool and returns the id of the task it became.</summary>
    public async Task<string> StartAsync(string tool, JsonObject? arguments = null)
    {
        var created = await CallAsync(tool, arguments);
        Assert.Equal("task", (string?)created["resultType"]);
        return (string)created["taskId"]!;
    }

    public async Task<JsonObject> GetAsync(string taskId) => Result(await SendAsync("tasks/get", new JsonObject { ["taskId"] = taskId }));

    public Task<JsonObject> UntilAsync(string taskId, string status)
        => Eventually.ReturnsAsync(() => GetAsync(taskId), task => (string?)task["status"] == status, $"task {taskId} to be {status}");

    public static JsonObject Result(JsonObject message)
        => message["result"] as JsonObject ?? throw new InvalidOperationException($"Expected a result, got {message.ToJsonString()}");

    public static int ErrorCode(JsonObject message)
        => (int?)message["error"]?["code"] ?? throw new InvalidOperationException($"Expected an error, got {message.ToJsonString()}");
}

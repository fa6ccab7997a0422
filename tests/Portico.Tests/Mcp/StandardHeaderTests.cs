using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portico.Policy.Audit;
using Portico.Storage;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Mcp;

/// <summary>
/// SEP-2243's standard headers on 2026-07-28 requests: Mcp-Method mirrors the body's method, Mcp-Name the name, URI
/// or task id it acts on. A request whose headers and body disagree is refused (400, -32020) before anything runs.
/// </summary>
public sealed class StandardHeaderTests(ConformanceServerFixture fixture) : IClassFixture<ConformanceServerFixture>
{
    private static readonly JsonObject ToolsList = StatelessMcp.Request("tools/list");

    public sealed record Row(Func<JsonObject> Body, KeyValuePair<string, string?>[] Headers, string? Refusal)
    {
        public override string ToString() => Refusal ?? "accepted";
    }

    private static KeyValuePair<string, string?> H(string name, string? value) => new(name, value);

    private static string Base64(string text) => $"=?base64?{Convert.ToBase64String(Encoding.UTF8.GetBytes(text))}?=";

    private static readonly Dictionary<string, Row> Cases = new()
    {
        ["method-missing"] = new(() => ToolsList, [H("Mcp-Method", null)], "the Mcp-Method header is missing; the body's method is 'tools/list'"),
        ["method-differs"] = new(() => ToolsList, [H("Mcp-Method", "prompts/list")], "Mcp-Method is 'prompts/list' but the body's method is 'tools/list'"),
        ["method-other-case"] = new(() => ToolsList, [H("Mcp-Method", "TOOLS/LIST")], "Mcp-Method is 'TOOLS/LIST' but the body's method is 'tools/list'"),
        ["method-comma-joined"] = new(() => ToolsList, [H("Mcp-Method", "tools/list, tools/call")], "Mcp-Method is 'tools/list, tools/call'"),
        ["method-empty"] = new(() => ToolsList, [H("Mcp-Method", "")], "Mcp-Method is '' but the body's method is 'tools/list'"),
        ["method-header-name-lowercase"] = new(() => ToolsList, [H("Mcp-Method", null), H("mcp-method", "tools/list")], null),
        ["method-header-name-uppercase"] = new(() => ToolsList, [H("Mcp-Method", null), H("MCP-METHOD", "tools/list")], null),
        ["method-with-white-space"] = new(() => ToolsList, [H("Mcp-Method", " \ttools/list  ")], null),
        ["notification-without-method"] = new(() => new JsonObject { ["jsonrpc"] = "2.0", ["method"] = "notifications/cancelled", ["params"] = new JsonObject { ["requestId"] = 1 } },
            [H("Mcp-Method", null)], "the Mcp-Method header is missing; the body's method is 'notifications/cancelled'"),
        ["call-name-differs"] = new(() => StatelessMcp.CallTool("test_simple_text"), [H("Mcp-Name", "wrong_tool_name")],
            "Mcp-Name is 'wrong_tool_name' but params.name is 'test_simple_text'"),
        ["call-name-missing"] = new(() => StatelessMcp.CallTool("test_simple_text"), [H("Mcp-Name", null)],
            "the Mcp-Name header is missing; 'tools/call' requests mirror params.name, which is 'test_simple_text'"),
        ["call-name-other-case"] = new(() => StatelessMcp.CallTool("test_simple_text"), [H("Mcp-Name", "TEST_SIMPLE_TEXT")], "Mcp-Name is 'TEST_SIMPLE_TEXT'"),
        ["call-name-with-white-space"] = new(() => StatelessMcp.CallTool("test_simple_text"), [H("Mcp-Name", "  test_simple_text  ")], null),
        ["call-name-base64"] = new(() => StatelessMcp.CallTool("test_simple_text"), [H("Mcp-Name", Base64("test_simple_text"))], null),
        ["call-name-bad-base64"] = new(() => StatelessMcp.CallTool("test_simple_text"), [H("Mcp-Name", "=?base64?dGVzdF9zaW1wbGVfdGV4dA?=")], "is not valid Base64"),
        ["call-name-base64-of-another-tool"] = new(() => StatelessMcp.CallTool("test_simple_text"), [H("Mcp-Name", Base64("test_error_handling"))],
            "Mcp-Name is 'test_error_handling' but params.name is 'test_simple_text'"),
        ["prompt-name-differs"] = new(() => StatelessMcp.Request("prompts/get", new JsonObject { ["name"] = "test_simple_prompt" }), [H("Mcp-Name", "test_prompt_with_image")],
            "Mcp-Name is 'test_prompt_with_image' but params.name is 'test_simple_prompt'"),
        ["resource-uri-differs"] = new(() => StatelessMcp.Request("resources/read", new JsonObject { ["uri"] = "test://static-text" }), [H("Mcp-Name", "test://static-binary")],
            "Mcp-Name is 'test://static-binary' but params.uri is 'test://static-text'"),
        ["resource-uri-missing"] = new(() => StatelessMcp.Request("resources/read", new JsonObject { ["uri"] = "test://static-text" }), [H("Mcp-Name", null)],
            "the Mcp-Name header is missing; 'resources/read' requests mirror params.uri"),
        ["resource-uri-matches"] = new(() => StatelessMcp.Request("resources/read", new JsonObject { ["uri"] = "test://static-text" }), [H("Mcp-Name", "test://static-text")], null),
        ["prompt-name-matches"] = new(() => StatelessMcp.Request("prompts/get", new JsonObject { ["name"] = "test_simple_prompt" }), [], null),
        ["task-id-differs"] = new(() => StatelessMcp.Request("tasks/get", new JsonObject { ["taskId"] = "task-a" }), [H("Mcp-Name", "task-b")],
            "Mcp-Name is 'task-b' but params.taskId is 'task-a'"),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Header_rule(string name)
    {
        var c = Cases[name];
        using var client = fixture.Server.CreateClient();

        var response = await new StatelessMcp(client).PostAsync(c.Body(), c.Headers, TestContext.Current.CancellationToken);

        if (c.Refusal is null)
        {
            Assert.True(response.Status is HttpStatusCode.OK or HttpStatusCode.Accepted, $"expected the request to be served, got {(int)response.Status}: {response.Body}");
            Assert.DoesNotContain(response.Messages, m => (int?)m["error"]?["code"] == -32020);
            return;
        }

        AssertMismatch(response, c.Refusal);
    }

    [Fact]
    public async Task A_call_whose_headers_name_another_tool_never_runs()
    {
        // What a gateway in front would authorize and log (the header) differs from what the body would run.
        using var client = fixture.Server.CreateClient();
        var response = await new StatelessMcp(client).PostAsync(StatelessMcp.CallTool("test_error_handling", id: 41), [H("Mcp-Name", "test_simple_text")],
            TestContext.Current.CancellationToken);

        AssertMismatch(response, "Mcp-Name is 'test_simple_text' but params.name is 'test_error_handling'");
        Assert.Equal(41, (int)response.Single["id"]!);

        // Every call that runs is audited before its answer is released: nothing ran under either name.
        await fixture.Server.Services.GetRequiredService<AuditTrail>().FlushAsync(CancellationToken.None);
        await using var scope = fixture.Server.Services.CreateAsyncScope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<PorticoDbContext>().Set<AuditRecord>()
            .AnyAsync(a => a.RequestId == response.RequestId, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_huge_header_is_refused_with_a_short_message()
    {
        using var client = fixture.Server.CreateClient();
        var huge = new string('x', 20_000);

        var response = await new StatelessMcp(client).PostAsync(StatelessMcp.CallTool("test_simple_text"), [H("Mcp-Name", huge)], TestContext.Current.CancellationToken);

        AssertMismatch(response, "Mcp-Name is 'xxxx");
        Assert.Contains("(20000 characters)", (string)response.Single["error"]!["message"]!, StringComparison.Ordinal);
        Assert.True(response.Body.Length < 2_000, $"the refusal quotes a bounded part of the value, got {response.Body.Length} bytes");
    }

    [Fact]
    public async Task A_header_beyond_the_server_limit_is_refused_by_the_server_not_served()
    {
        using var client = fixture.Server.CreateClient();

        var response = await new StatelessMcp(client).PostAsync(StatelessMcp.CallTool("test_simple_text"), [H("Mcp-Name", new string('x', 64 * 1024))],
            TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.Status);
    }

    [Fact]
    public async Task A_repeated_header_line_is_refused_even_when_both_lines_agree_with_the_body()
    {
        var result = await RawHttp.PostAsync(fixture.Server.BaseAddress, "/mcp",
            [.. Standard(fixture.Server.ApiKey, "tools/call"), "Mcp-Name: test_simple_text", "Mcp-Name: test_simple_text"],
            StatelessMcp.CallTool("test_simple_text").ToJsonString());

        Assert.Equal(400, result.Status);
        Assert.Contains("the Mcp-Name header appears 2 times", result.Body, StringComparison.Ordinal);
        Assert.Contains("-32020", result.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("obs-fold", "Mcp-Name: test_simple_text\r\n test_error_handling")]
    [InlineData("nul", "Mcp-Name: test_simple_text\0")]
    [InlineData("bare-cr", "Mcp-Name: test_simple_text\rX-Injected: yes")]
    [InlineData("raw-utf8", "Mcp-Name: test_simple_tëxt")]
    public async Task A_header_that_smuggles_characters_is_refused(string what, string line)
    {
        var result = await RawHttp.PostAsync(fixture.Server.BaseAddress, "/mcp", [.. Standard(fixture.Server.ApiKey, "tools/call"), line],
            StatelessMcp.CallTool("test_simple_text").ToJsonString(), Encoding.UTF8);

        Assert.True(result.Status == 400, $"{what}: expected 400, got {result.Status}: {result.Body}");
        Assert.DoesNotContain("This is a simple text response", result.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_name_with_line_breaks_matching_its_Base64_header_is_still_no_tool_name()
    {
        // The headers agree with the body, but the body's name itself is refused by the params check (-32602).
        const string name = "test_simple_text\r\nX-Admin: true";
        using var client = fixture.Server.CreateClient();

        var response = await new StatelessMcp(client).PostAsync(StatelessMcp.CallTool(name), [H("Mcp-Name", Base64(name))], TestContext.Current.CancellationToken);

        Assert.Equal(-32602, (int)response.Final["error"]!["code"]!);
        Assert.Contains("without control characters", (string)response.Final["error"]!["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Session_requests_of_earlier_revisions_are_not_judged_by_these_headers()
    {
        using var client = fixture.Server.CreateClient();
        var mcp = new McpHttp(client);
        var session = await mcp.InitializeAsync();

        var response = await mcp.PostAsync("""{"jsonrpc":"2.0","id":3,"method":"tools/list"}""", session,
            protocolVersion: McpHttp.LatestSessionVersion, headers: new Dictionary<string, string> { ["Mcp-Method"] = "prompts/list" });

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.NotNull(response.Final["result"]?["tools"]);
    }

    private static IEnumerable<string> Standard(string apiKey, string method) =>
    [
        $"Authorization: Bearer {apiKey}",
        "Content-Type: application/json",
        "Accept: application/json, text/event-stream",
        $"MCP-Protocol-Version: {StatelessMcp.Revision}",
        $"Mcp-Method: {method}",
    ];

    private static void AssertMismatch(McpHttpResponse response, string message)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("application/json", response.ContentType);
        var error = response.Single["error"]!;
        Assert.Equal(-32020, (int)error["code"]!);
        Assert.Contains(message, (string)error["message"]!, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace((string?)error["data"]?["hint"]), "every refusal carries a hint");
    }
}

using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Mcp;

/// <summary>
/// SEP-2243's custom headers: the conformance fixture's <c>test_param_headers</c> marks <c>region</c> (string),
/// <c>priority</c> (integer) and <c>verbose</c> (boolean) with <c>x-mcp-header</c>; a 2026-07-28 call mirrors those
/// arguments into <c>Mcp-Param-Region</c>, <c>Mcp-Param-Priority</c> and <c>Mcp-Param-Verbose</c>, and any
/// disagreement between a header and the body is refused (400, -32020) before the tool runs.
/// </summary>
public sealed class ParamHeaderTests(ConformanceServerFixture fixture) : IClassFixture<ConformanceServerFixture>
{
    public sealed record Row(Func<JsonObject> Arguments, KeyValuePair<string, string?>[] Headers, string? Refusal)
    {
        public override string ToString() => Refusal ?? "accepted";
    }

    private static KeyValuePair<string, string?> H(string name, string? value) => new(name, value);

    private static string Base64(string text) => $"=?base64?{Convert.ToBase64String(Encoding.UTF8.GetBytes(text))}?=";

    private static JsonObject Args(string region = "eu-west", JsonNode? priority = null, JsonNode? verbose = null)
    {
        var arguments = new JsonObject { ["region"] = region, ["query"] = "q" };
        if (priority is not null)
        {
            arguments["priority"] = priority;
        }

        if (verbose is not null)
        {
            arguments["verbose"] = verbose;
        }

        return arguments;
    }

    private static readonly Dictionary<string, Row> Cases = new()
    {
        ["all-three-plain"] = new(() => Args(priority: 3, verbose: true), [H("Mcp-Param-Region", "eu-west"), H("Mcp-Param-Priority", "3"), H("Mcp-Param-Verbose", "true")], null),
        ["header-name-lowercase"] = new(() => Args(), [H("mcp-param-region", "eu-west")], null),
        ["white-space-around"] = new(() => Args(), [H("Mcp-Param-Region", "  eu-west\t")], null),
        ["base64-non-ascii"] = new(() => Args("Zürich"), [H("Mcp-Param-Region", Base64("Zürich"))], null),
        ["base64-surrounding-space"] = new(() => Args(" eu-west "), [H("Mcp-Param-Region", Base64(" eu-west "))], null),
        ["base64-text-sent-literally"] = new(() => Args("SGVsbG8="), [H("Mcp-Param-Region", "SGVsbG8=")], null),
        ["prefix-without-suffix-is-literal"] = new(() => Args("=?base64?SGVsbG8="), [H("Mcp-Param-Region", "=?base64?SGVsbG8=")], null),
        ["integer-as-decimal"] = new(() => Args(priority: 3), [H("Mcp-Param-Region", "eu-west"), H("Mcp-Param-Priority", "3.0")], null),
        ["region-missing"] = new(() => Args(), [], "the Mcp-Param-Region header is missing; tool 'test_param_headers' mirrors arguments.region into it, and the body has 'eu-west'"),
        ["region-differs"] = new(() => Args(), [H("Mcp-Param-Region", "us-east")], "Mcp-Param-Region is 'us-east' but arguments.region is 'eu-west'"),
        ["region-other-case"] = new(() => Args(), [H("Mcp-Param-Region", "EU-WEST")], "Mcp-Param-Region is 'EU-WEST'"),
        ["base64-bad-padding"] = new(() => Args("Hello"), [H("Mcp-Param-Region", "=?base64?SGVsbG8?=")], "is not valid Base64"),
        ["base64-bad-characters"] = new(() => Args("Hello"), [H("Mcp-Param-Region", "=?base64?SGVs!!!bG8=?=")], "is not valid Base64"),
        ["base64-not-utf8"] = new(() => Args("Hello"), [H("Mcp-Param-Region", "=?base64?/w==?=")], "is not valid Base64"),
        ["base64-of-another-value"] = new(() => Args("eu-west"), [H("Mcp-Param-Region", Base64("us-east"))], "Mcp-Param-Region is 'us-east' but arguments.region is 'eu-west'"),
        ["integer-differs"] = new(() => Args(priority: 3), [H("Mcp-Param-Region", "eu-west"), H("Mcp-Param-Priority", "4")], "Mcp-Param-Priority is '4' but arguments.priority is 3"),
        ["integer-not-a-number"] = new(() => Args(priority: 3), [H("Mcp-Param-Region", "eu-west"), H("Mcp-Param-Priority", "three")], "Mcp-Param-Priority is 'three'"),
        ["integer-beyond-safe-range"] = new(() => Args(priority: 9007199254740993), [H("Mcp-Param-Region", "eu-west"), H("Mcp-Param-Priority", "9007199254740993")],
            "Mcp-Param-Priority is '9007199254740993'"),
        ["boolean-other-case"] = new(() => Args(verbose: true), [H("Mcp-Param-Region", "eu-west"), H("Mcp-Param-Verbose", "TRUE")], "Mcp-Param-Verbose is 'TRUE' but arguments.verbose is true"),
        ["boolean-missing"] = new(() => Args(verbose: false), [H("Mcp-Param-Region", "eu-west")], "the Mcp-Param-Verbose header is missing"),
        ["header-for-absent-argument"] = new(() => Args(), [H("Mcp-Param-Region", "eu-west"), H("Mcp-Param-Priority", "1")],
            "Mcp-Param-Priority was sent, but arguments.priority of tool 'test_param_headers' is absent or null"),
        ["header-for-null-argument"] = new(() => new JsonObject { ["region"] = "eu-west", ["query"] = "q", ["verbose"] = null }, [H("Mcp-Param-Region", "eu-west"), H("Mcp-Param-Verbose", "true")],
            "Mcp-Param-Verbose was sent"),
        ["undeclared-header-is-not-judged"] = new(() => Args(), [H("Mcp-Param-Region", "eu-west"), H("Mcp-Param-Query", "something else")], null),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Param_header_rule(string name)
    {
        var c = Cases[name];
        using var client = fixture.Server.CreateClient();
        var arguments = c.Arguments();

        var response = await new StatelessMcp(client).PostAsync(StatelessMcp.CallTool("test_param_headers", arguments), c.Headers, TestContext.Current.CancellationToken);

        if (c.Refusal is null)
        {
            Assert.Equal(HttpStatusCode.OK, response.Status);
            var result = response.Final["result"]!;
            Assert.NotEqual(true, (bool?)result["isError"]);
            Assert.Contains($"region={(string)arguments["region"]!};", (string)result["content"]![0]!["text"]!, StringComparison.Ordinal);
            return;
        }

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        var error = response.Single["error"]!;
        Assert.Equal(-32020, (int)error["code"]!);
        Assert.Contains(c.Refusal, (string)error["message"]!, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace((string?)error["data"]?["hint"]));
    }

    [Fact]
    public async Task Tools_list_serves_the_x_mcp_header_annotations_unchanged()
    {
        using var client = fixture.Server.CreateClient();

        var response = await new StatelessMcp(client).PostAsync(StatelessMcp.Request("tools/list"), cancellationToken: TestContext.Current.CancellationToken);

        var tool = response.Final["result"]!["tools"]!.AsArray().Single(t => (string?)t!["name"] == "test_param_headers")!;
        var properties = tool["inputSchema"]!["properties"]!;
        Assert.Equal("Region", (string?)properties["region"]!["x-mcp-header"]);
        Assert.Equal("Priority", (string?)properties["priority"]!["x-mcp-header"]);
        Assert.Equal("Verbose", (string?)properties["verbose"]!["x-mcp-header"]);
        Assert.Null(properties["query"]!["x-mcp-header"]);
    }

    [Fact]
    public async Task A_session_call_of_an_earlier_revision_needs_no_param_headers()
    {
        using var client = fixture.Server.CreateClient();
        var mcp = new McpHttp(client);
        var session = await mcp.InitializeAsync();

        var response = await mcp.CallToolAsync(session, "test_param_headers", Args());

        Assert.Contains("region=eu-west;", (string)response.Final["result"]!["content"]![0]!["text"]!, StringComparison.Ordinal);
    }
}

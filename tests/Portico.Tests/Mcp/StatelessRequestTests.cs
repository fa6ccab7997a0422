using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Mcp;

/// <summary>
/// The rest of the 2026-07-28 revision as Portico hosts it: per-request <c>_meta</c> and the statuses the
/// specification gives its refusals, removed methods, version negotiation, per-request log levels, and what the SDK
/// provides (resultType, caching hints, subscriptions/listen) proved through Portico's own hosting.
/// </summary>
public sealed class StatelessRequestTests(ConformanceServerFixture fixture) : IClassFixture<ConformanceServerFixture>
{
    private static readonly JsonObject ClientInfo = new() { ["name"] = "portico-tests", ["version"] = "1.0" };

    private static JsonObject Meta(bool protocolVersion = true, bool capabilities = true, bool clientInfo = true, JsonObject? extra = null)
    {
        var meta = new JsonObject();
        if (protocolVersion)
        {
            meta["io.modelcontextprotocol/protocolVersion"] = StatelessMcp.Revision;
        }

        if (capabilities)
        {
            meta["io.modelcontextprotocol/clientCapabilities"] = new JsonObject();
        }

        if (clientInfo)
        {
            meta["io.modelcontextprotocol/clientInfo"] = ClientInfo.DeepClone();
        }

        foreach (var (key, value) in extra ?? [])
        {
            meta[key] = value?.DeepClone();
        }

        return meta;
    }

    private async Task<McpHttpResponse> PostAsync(JsonObject message, params KeyValuePair<string, string?>[] headers)
    {
        using var client = fixture.Server.CreateClient();
        return await new StatelessMcp(client).PostAsync(message, headers, TestContext.Current.CancellationToken);
    }

    [Theory]
    [InlineData("no-meta", "params._meta is missing")]
    [InlineData("no-protocol-version", "_meta['io.modelcontextprotocol/protocolVersion'] is missing")]
    [InlineData("no-capabilities", "_meta['io.modelcontextprotocol/clientCapabilities'] is missing or not an object")]
    public async Task A_request_without_its_meta_is_400_invalid_params(string what, string message)
    {
        var parameters = what switch
        {
            "no-meta" => new JsonObject(),
            "no-protocol-version" => new JsonObject { ["_meta"] = Meta(protocolVersion: false) },
            _ => new JsonObject { ["_meta"] = Meta(capabilities: false) },
        };

        var response = await PostAsync(StatelessMcp.Request("server/discover", parameters, id: 101, withMeta: false));

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(-32602, (int)response.Single["error"]!["code"]!);
        Assert.Equal(101, (int)response.Single["id"]!);
        Assert.Contains(message, (string)response.Single["error"]!["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_info_is_optional()
    {
        var response = await PostAsync(StatelessMcp.Request("server/discover", new JsonObject { ["_meta"] = Meta(clientInfo: false) }, withMeta: false));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(StatelessMcp.Revision, (string?)response.Final["result"]!["supportedVersions"]![0]);
    }

    [Theory]
    [InlineData("initialize", "server/discover")]
    [InlineData("ping", "server/discover")]
    [InlineData("logging/setLevel", "io.modelcontextprotocol/logLevel")]
    [InlineData("resources/subscribe", "subscriptions/listen")]
    [InlineData("resources/unsubscribe", "subscriptions/listen")]
    public async Task A_removed_method_is_404_method_not_found_with_its_replacement(string method, string replacement)
    {
        var response = await PostAsync(StatelessMcp.Request(method, id: 500));

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        var error = response.Single["error"]!;
        Assert.Equal(-32601, (int)error["code"]!);
        Assert.Equal(500, (int)response.Single["id"]!);
        Assert.Contains($"'{method}' does not exist in protocol version 2026-07-28", (string)error["message"]!, StringComparison.Ordinal);
        Assert.Contains(replacement, (string)error["data"]!["hint"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_method_is_404()
    {
        var response = await PostAsync(StatelessMcp.Request("unknown/method", id: 601));

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal(-32601, (int)response.Final["error"]!["code"]!);
        Assert.Equal(601, (int)response.Final["id"]!);
    }

    [Fact]
    public async Task An_unsupported_version_lists_the_versions_discover_offers_and_echoes_the_request()
    {
        var message = StatelessMcp.Request("server/discover", new JsonObject { ["_meta"] = Meta(extra: new JsonObject { ["io.modelcontextprotocol/protocolVersion"] = "v999.0.0" }) },
            id: 301, withMeta: false);

        var response = await PostAsync(message, new KeyValuePair<string, string?>("MCP-Protocol-Version", "v999.0.0"));

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        var error = response.Single["error"]!;
        Assert.Equal(-32022, (int)error["code"]!);
        Assert.Equal([StatelessMcp.Revision], error["data"]!["supported"]!.AsArray().Select(v => (string)v!));
        Assert.Equal("v999.0.0", (string?)error["data"]!["requested"]);
    }

    [Fact]
    public async Task A_body_of_this_revision_without_the_version_header_is_a_header_mismatch()
    {
        var response = await PostAsync(StatelessMcp.Request("tools/list"), new KeyValuePair<string, string?>("MCP-Protocol-Version", null));

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(-32020, (int)response.Single["error"]!["code"]!);
        Assert.Contains("the MCP-Protocol-Version header is missing", (string)response.Single["error"]!["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_header_and_meta_version_that_differ_are_a_header_mismatch()
    {
        var message = StatelessMcp.Request("tools/list", new JsonObject { ["_meta"] = Meta(extra: new JsonObject { ["io.modelcontextprotocol/protocolVersion"] = "2025-11-25" }) },
            withMeta: false);

        var response = await PostAsync(message);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(-32020, (int)response.Final["error"]!["code"]!);
    }

    [Fact]
    public async Task A_call_needing_an_undeclared_capability_is_400_with_the_capability()
    {
        var response = await PostAsync(StatelessMcp.CallTool("test_missing_capability", id: 401));

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        var error = response.Final["error"]!;
        Assert.Equal(-32021, (int)error["code"]!);
        Assert.IsType<JsonObject>(error["data"]!["requiredCapabilities"]!["sampling"]);
    }

    [Theory]
    [InlineData(null, 0)]
    [InlineData("info", 1)]
    [InlineData("debug", 1)]
    [InlineData("error", 0)]
    public async Task Log_messages_are_sent_only_at_or_above_the_level_the_request_set(string? level, int expected)
    {
        var extra = level is null ? null : new JsonObject { ["io.modelcontextprotocol/logLevel"] = level };
        var message = StatelessMcp.Request("tools/call", new JsonObject { ["name"] = "test_logging_tool", ["arguments"] = new JsonObject(), ["_meta"] = Meta(extra: extra) },
            withMeta: false);

        var response = await PostAsync(message);

        Assert.NotNull(response.Final["result"]);
        Assert.Equal(expected, response.Messages.Count(m => (string?)m["method"] == "notifications/message"));
    }

    [Fact]
    public async Task An_unknown_resource_is_invalid_params_naming_the_uri_while_sessions_keep_resource_not_found()
    {
        const string uri = "test://no-such-resource";
        var stateless = (await PostAsync(StatelessMcp.Request("resources/read", new JsonObject { ["uri"] = uri }))).Final["error"]!;

        using var client = fixture.Server.CreateClient();
        var mcp = new McpHttp(client);
        var session = await mcp.InitializeAsync();
        var read = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = 5, ["method"] = "resources/read", ["params"] = new JsonObject { ["uri"] = uri } };
        var legacy = (await mcp.PostAsync(read.ToJsonString(), session,
            protocolVersion: McpHttp.LatestSessionVersion)).Final["error"]!;

        Assert.Equal(-32602, (int)stateless["code"]!);
        Assert.Equal(uri, (string?)stateless["data"]!["uri"]);
        Assert.Equal(-32002, (int)legacy["code"]!);
    }

    [Fact]
    public async Task Every_result_says_its_type_and_lists_carry_caching_hints()
    {
        foreach (var (method, parameters) in new (string, JsonObject?)[]
        {
            ("server/discover", null), ("tools/list", null), ("prompts/list", null), ("resources/list", null), ("resources/templates/list", null),
            ("resources/read", new JsonObject { ["uri"] = "test://static-text" }),
        })
        {
            var result = (await PostAsync(StatelessMcp.Request(method, parameters))).Final["result"]!;
            Assert.True((string?)result["resultType"] == "complete", $"{method}: resultType");
            Assert.True(result["ttlMs"] is JsonValue ttl && (long)ttl >= 0, $"{method}: ttlMs");
            Assert.True((string?)result["cacheScope"] is "private" or "public", $"{method}: cacheScope");
        }

        var call = (await PostAsync(StatelessMcp.CallTool("test_simple_text"))).Final["result"]!;
        Assert.Equal("complete", (string?)call["resultType"]);
    }

    [Fact]
    public async Task A_listen_stream_begins_with_its_acknowledgement_tagged_with_the_subscription()
    {
        using var client = fixture.Server.CreateClient();
        var message = StatelessMcp.Request("subscriptions/listen", new JsonObject { ["notifications"] = new JsonObject { ["toolsListChanged"] = true } }, id: 77);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/mcp") { Content = new StringContent(message.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Accept", "application/json, text/event-stream");
        request.Headers.TryAddWithoutValidation("MCP-Protocol-Version", StatelessMcp.Revision);
        request.Headers.TryAddWithoutValidation("Mcp-Method", "subscriptions/listen");

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));
        string? line;
        do
        {
            line = await reader.ReadLineAsync(TestContext.Current.CancellationToken);
        }
        while (line is not null && !line.StartsWith("data:", StringComparison.Ordinal));

        var first = JsonNode.Parse(line!["data:".Length..])!;
        Assert.Equal("notifications/subscriptions/acknowledged", (string?)first["method"]);
        Assert.NotNull(first["params"]!["_meta"]!["io.modelcontextprotocol/subscriptionId"]);
    }

    [Fact]
    public async Task A_listen_request_without_its_method_header_is_refused()
    {
        var response = await PostAsync(StatelessMcp.Request("subscriptions/listen", new JsonObject { ["notifications"] = new JsonObject() }),
            new KeyValuePair<string, string?>("Mcp-Method", null));

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(-32020, (int)response.Single["error"]!["code"]!);
    }
}

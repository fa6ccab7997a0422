using System.Net;
using System.Text.Json.Nodes;
using Portico.Tests.Policy.Schema;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Policy;

/// <summary>
/// Thousands of random argument documents (wrong types, deep nesting, huge strings, odd Unicode,
/// absurd numbers) thrown at tools/call over HTTP: never a 500, never an unhandled exception,
/// always a well-formed answer — a result or the error envelope.
/// </summary>
public sealed class ToolCallFuzzTests
{
    [Fact]
    public async Task Random_arguments_always_get_a_well_formed_answer()
    {
        await using var server = await PorticoTestServer.StartAsync(configuration: new Dictionary<string, string?>
        {
            // The records tools are write tools: a large budget keeps the rate limit out of the way.
            ["Portico:RateLimits:WriteCallsPerMinute"] = "100000",
        });
        using var client = server.CreateClient();
        var mcp = new McpHttp(client);
        var session = await mcp.InitializeAsync();
        var random = new Random(20261121);
        var writer = new RandomJsonWriter(random);
        string[] tools = ["ping", "create-record", "update-record", "list-records", "get_tool_details", "set-active-group", "delete-record"];
        var envelopes = 0;

        for (var i = 0; i < 2000; i++)
        {
            var tool = tools[i % tools.Length];
            var arguments = writer.Document();
            if (!arguments.TrimStart().StartsWith('{'))
            {
                arguments = "{\"value\":" + arguments + "}";
            }

            var body = "{\"jsonrpc\":\"2.0\",\"id\":" + (i + 10) + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool + "\",\"arguments\":" + arguments + "}}";
            var response = await mcp.PostAsync(body, session);

            Assert.True(response.Status is HttpStatusCode.OK or HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge,
                $"status {(int)response.Status} for {body[..Math.Min(200, body.Length)]}");
            if (response.Status != HttpStatusCode.OK)
            {
                Assert.NotNull(response.Single["error"]);
                continue;
            }

            var final = response.Final;
            if (final["error"] is JsonObject protocolError)
            {
                Assert.Equal(-32602, (int)protocolError["code"]!);
                continue;
            }

            var result = final["result"]!;
            if ((bool?)result["isError"] == true)
            {
                var error = result["structuredContent"]?["error"] ?? throw new Xunit.Sdk.XunitException($"error result without the envelope: {result.ToJsonString()[..Math.Min(600, result.ToJsonString().Length)]} for {body[..Math.Min(300, body.Length)]}");
                Assert.False(string.IsNullOrEmpty((string?)error["code"]));
                Assert.False(string.IsNullOrEmpty((string?)error["message"]));
                Assert.Equal(response.RequestId, (string?)error["requestId"]);
                Assert.NotEqual("INTERNAL_ERROR", (string?)error["code"]);
                envelopes++;
            }
        }

        Assert.True(envelopes > 500, $"only {envelopes} refusals: the fuzzer is not reaching the validator");
    }
}

using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portico.Hosting;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Security;

/// <summary>What a caller sends cannot flood the log or write raw control characters (forged lines, terminal escapes) into it.</summary>
public sealed class LogInjectionTests
{
    [Fact]
    public async Task A_3_MB_method_tool_prompt_or_uri_costs_the_log_and_the_answer_a_few_KB()
    {
        var log = new LogCapture();
        await using var server = await PorticoTestServer.StartAsync(services: s => s.AddSingleton<ILoggerProvider>(log));
        using var client = server.CreateClient();
        var mcp = new McpHttp(client);
        var session = await mcp.InitializeAsync();
        var huge = new string('m', 3 * 1024 * 1024);
        var logBefore = log.TotalChars;

        var method = await mcp.PostAsync($$"""{"jsonrpc":"2.0","id":5,"method":"{{huge}}"}""", session);
        var notification = await mcp.PostAsync($$"""{"jsonrpc":"2.0","method":"{{huge}}"}""", session);
        var tool = await mcp.CallToolAsync(session, huge);
        var uri = await mcp.PostAsync(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = 6, ["method"] = "resources/read", ["params"] = new JsonObject { ["uri"] = "test://" + huge } }.ToJsonString(), session);
        var prompt = await mcp.PostAsync(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = 7, ["method"] = "prompts/get", ["params"] = new JsonObject { ["name"] = huge } }.ToJsonString(), session);

        Assert.Equal(-32601, (int)method.Final["error"]!["code"]!);
        Assert.Equal(-32602, (int)tool.Final["error"]!["code"]!);
        Assert.Equal(-32602, (int)uri.Final["error"]!["code"]!);
        Assert.Equal(-32602, (int)prompt.Final["error"]!["code"]!);
        Assert.True(log.TotalChars - logBefore < 16 * 1024, $"the log grew by {log.TotalChars - logBefore} characters");
        Assert.True(method.Body.Length + notification.Body.Length + tool.Body.Length + uri.Body.Length + prompt.Body.Length < 16 * 1024, "the answers echo the names in full");
    }

    [Fact]
    public async Task NUL_ESC_and_newlines_from_the_caller_never_reach_the_log_raw()
    {
        var log = new LogCapture();
        await using var server = await PorticoTestServer.StartAsync(services: s => s.AddSingleton<ILoggerProvider>(log));
        using var client = server.CreateClient();
        var mcp = new McpHttp(client);
        var session = await mcp.InitializeAsync();
        const string Forged = "x\u0000\u001b[2J\u001b[31m\r\n2026-01-01T00:00:00.000Z info: Portico.Access[410] Admin signed in";

        await mcp.PostAsync(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = 6, ["method"] = Forged }.ToJsonString(), session);
        await mcp.PostAsync(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = 7, ["method"] = "tools/call", ["params"] = new JsonObject { ["name"] = Forged } }.ToJsonString(), session);
        await mcp.PostAsync(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = 8, ["method"] = "resources/read", ["params"] = new JsonObject { ["uri"] = Forged } }.ToJsonString(), session);
        await mcp.PostAsync(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = 9, ["method"] = "prompts/get", ["params"] = new JsonObject { ["name"] = Forged } }.ToJsonString(), session);

        Assert.NotEmpty(log.Lines);
        Assert.DoesNotContain(log.Lines, line => line.Any(c => char.IsControl(c)));
    }

    [Theory]
    [InlineData("plain value", "plain value")]
    [InlineData("a\u0000b\u001bc\nd", "a\\u0000b\\u001bc\\u000ad")]
    [InlineData("line\u2028separator", "line\\u2028separator")]
    public void LogValue_escapes_control_characters(string raw, string logged) => Assert.Equal(logged, LogValue.Safe(raw));

    [Fact]
    public void LogValue_escapes_a_lone_surrogate() => Assert.Equal("lone \\ud800 surrogate", LogValue.Safe("lone " + (char)0xD800 + " surrogate"));

    [Fact]
    public void LogValue_cuts_long_values_and_says_how_long_they_were()
    {
        var safe = LogValue.Safe(new string('m', 3 * 1024 * 1024));

        Assert.Equal(new string('m', LogValue.MaxChars) + "…(3145728 bytes)", safe);
        // A surrogate pair at the cut is dropped whole, never halved.
        Assert.Equal(new string('m', LogValue.MaxChars - 1) + $"…({LogValue.MaxChars - 1 + 4} bytes)", LogValue.Safe(new string('m', LogValue.MaxChars - 1) + "😀"));
    }
}

using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Cli;

/// <summary>
/// The credential's form (seed 003: Bearer vs raw, no extra spaces or quoted values) and the support bundle against a
/// hostile server that echoes the credential back and sets cookies: the bundle still holds no secret.
/// </summary>
public sealed class DoctorCredentialTests
{
    private const string Key = "ab_live_9f8e7d6c5b4a39281706f5e4d3c2b1a0";

    /// <summary>An MCP endpoint that accepts only the raw key as the whole Authorization value, and leaks it back in every answer.</summary>
    private static Task<FakeHttpHost> RawOnlyServerAsync() => FakeHttpHost.StartAsync(async context =>
    {
        if (context.Request.Path != "/mcp" || context.Request.Method != "POST")
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var authorization = context.Request.Headers.Authorization.ToString();
        context.Response.Headers.SetCookie = $"session={Key}; HttpOnly";
        context.Response.Headers["X-Echo-Token"] = authorization;
        var request = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        context.Response.ContentType = "application/json";
        if (authorization != Key)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await context.Response.WriteAsync(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = null, ["error"] = new JsonObject { ["code"] = -32001, ["message"] = $"Invalid API key '{authorization}'" } }.ToJsonString());
            return;
        }

        var id = request?["id"]?.DeepClone();
        JsonNode result = (string?)request?["method"] switch
        {
            "initialize" => new JsonObject { ["protocolVersion"] = "2025-11-25", ["capabilities"] = new JsonObject(), ["serverInfo"] = new JsonObject { ["name"] = "raw-only", ["version"] = "1" }, ["echo"] = Key, ["access_token"] = "opaque-secret-value" },
            "tools/list" => new JsonObject { ["tools"] = new JsonArray(new JsonObject { ["name"] = "whoami", ["inputSchema"] = new JsonObject { ["type"] = "object" } }) },
            _ => new JsonObject(),
        };
        if (id is null)
        {
            context.Response.StatusCode = StatusCodes.Status202Accepted;
            return;
        }

        await context.Response.WriteAsync(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["result"] = result }.ToJsonString());
    });

    [Fact]
    public async Task A_server_that_takes_only_the_raw_key_is_a_warning_that_says_so()
    {
        await using var server = await RawOnlyServerAsync();

        var (result, checks) = await DoctorCli.RunAsync(server.Url("/mcp").ToString(), "--token", Key);

        Assert.True(result.ExitCode == 0, checks.Problems());
        var credential = checks.Check("credential");
        Assert.Equal("WARN", (string?)credential["status"]);
        Assert.Contains("accepted as the raw header value", (string?)credential["detail"], StringComparison.Ordinal);
        Assert.Equal("PASS", checks.Status("tools/list"));
    }

    [Fact]
    public async Task A_token_pasted_with_bearer_and_quotes_is_cleaned_up_and_flagged()
    {
        await using var server = await RawOnlyServerAsync();

        var (_, checks) = await DoctorCli.RunAsync(server.Url("/mcp").ToString(), "--token", $" \"Bearer {Key}\" ");

        var credential = checks.Check("credential");
        Assert.Equal("WARN", (string?)credential["status"]);
        Assert.Contains("extra spaces", (string?)credential["cause"] ?? (string?)credential["detail"], StringComparison.Ordinal);
        Assert.Equal("PASS", checks.Status("tools/list"));
    }

    [Fact]
    public async Task The_bundle_redacts_a_key_the_server_echoes_in_headers_cookies_and_bodies()
    {
        await using var server = await RawOnlyServerAsync();
        var directory = Path.Combine(Path.GetTempPath(), "portico-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            var bundle = Path.Combine(directory, "bundle.json");

            var (result, _) = await DoctorCli.RunAsync(server.Url("/mcp").ToString(), "--token", Key, "--bundle", bundle);

            Assert.Equal(0, result.ExitCode);
            var text = await File.ReadAllTextAsync(bundle, TestContext.Current.CancellationToken);
            Assert.DoesNotContain(Key, text, StringComparison.Ordinal);
            Assert.DoesNotContain("9f8e7d6c5b4a39281706f5e4d3c2b1a0", text, StringComparison.Ordinal);
            Assert.DoesNotContain("opaque-secret-value", text, StringComparison.Ordinal);
            Assert.Contains("raw-only", text, StringComparison.Ordinal);
            Assert.Contains("[redacted]", text, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}

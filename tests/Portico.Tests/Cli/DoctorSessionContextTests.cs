using System.Text.Json.Nodes;

namespace Portico.Tests.Cli;

/// <summary>
/// The session-context check (seed 000: "is an active group set", "does the active group have the right tier"): Portico's
/// <c>session/get</c> method first (DoctorTests covers it against a real Portico), else the <c>get-session-context</c>
/// tool, else nothing to check.
/// </summary>
public sealed class DoctorSessionContextTests
{
    private static JsonObject Context(string? active, params (string Id, string Tier)[] groups) => new()
    {
        ["user"] = new JsonObject { ["email"] = "ada@example.test" },
        ["groups"] = new JsonArray([.. groups.Select(g => (JsonNode)new JsonObject { ["groupId"] = g.Id, ["tier"] = g.Tier })]),
        ["activeGroupId"] = active,
        ["resolvedGroup"] = active is null
            ? new JsonObject { ["error"] = "NO_ACTIVE_GROUP", ["message"] = "No active group set. Call set-active-group first.", ["hint"] = "Call get-session-context to list your groups, then set-active-group with one groupId." }
            : new JsonObject { ["groupId"] = active, ["tier"] = groups.Single(g => g.Id == active).Tier, ["source"] = "active-group" },
    };

    [Fact]
    public async Task Without_session_get_the_get_session_context_tool_gives_the_active_group_and_its_tier()
    {
        var script = new DoctorFakeServer();
        script.Tools["get-session-context"] = Context("g-pro", ("g-basic", "basic"), ("g-pro", "pro_plus"));
        await using var server = await script.StartAsync();

        var (_, checks) = await DoctorCli.RunAsync(server.Url("/mcp").ToString());

        var context = checks.Check("session-context");
        Assert.Equal("PASS", (string?)context["status"]);
        Assert.StartsWith("get-session-context: ada@example.test: active group g-pro (tier pro_plus", (string?)context["detail"], StringComparison.Ordinal);
        // It asked session/get first (answered Method not found), then called the tool.
        var received = script.Received.ToList();
        Assert.True(received.IndexOf("session/get") >= 0 && received.IndexOf("session/get") < received.IndexOf("tools/call get-session-context"), string.Join(", ", received));
    }

    [Fact]
    public async Task Without_session_get_and_no_active_group_the_tool_path_warns_with_set_active_group()
    {
        var script = new DoctorFakeServer();
        script.Tools["get-session-context"] = Context(null, ("g-basic", "basic"), ("g-pro", "pro_plus"));
        await using var server = await script.StartAsync();

        var (result, checks) = await DoctorCli.RunAsync(server.Url("/mcp").ToString());

        Assert.Equal(0, result.ExitCode);
        var context = checks.Check("session-context");
        Assert.Equal("WARN", (string?)context["status"]);
        Assert.Contains("activeGroupId null", (string?)context["detail"], StringComparison.Ordinal);
        Assert.Contains("g-pro tier pro_plus", (string?)context["detail"], StringComparison.Ordinal);
        Assert.Contains("No active group set. Call set-active-group first.", (string?)context["cause"], StringComparison.Ordinal);
        Assert.Contains("set-active-group", (string?)context["fix"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_session_get_answer_is_used_without_calling_the_tool()
    {
        var script = new DoctorFakeServer();
        script.Methods["session/get"] = _ => DoctorFakeServer.Result(Context("g-basic", ("g-basic", "basic")));
        // The tool would say otherwise: the check must not have used it.
        script.Tools["get-session-context"] = Context("g-other", ("g-other", "pro"));
        await using var server = await script.StartAsync();

        var (_, checks) = await DoctorCli.RunAsync(server.Url("/mcp").ToString());

        Assert.Equal("PASS", checks.Status("session-context"));
        Assert.StartsWith("session/get: ada@example.test: active group g-basic (tier basic", (string?)checks.Check("session-context")["detail"], StringComparison.Ordinal);
        Assert.DoesNotContain("tools/call get-session-context", script.Received);
    }

    [Fact]
    public async Task A_user_in_no_group_fails_with_the_servers_hint()
    {
        var script = new DoctorFakeServer();
        script.Tools["get-session-context"] = Context(null);
        await using var server = await script.StartAsync();

        var (result, checks) = await DoctorCli.RunAsync(server.Url("/mcp").ToString());

        Assert.Equal(1, result.ExitCode);
        var context = checks.Check("session-context");
        Assert.Equal("FAIL", (string?)context["status"]);
        Assert.Contains("no groups", (string?)context["detail"], StringComparison.Ordinal);
        Assert.Contains("set-active-group", (string?)context["fix"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_with_neither_is_skipped_but_a_failing_session_get_is_a_warning()
    {
        var script = new DoctorFakeServer();
        await using var server = await script.StartAsync();

        var (result, checks) = await DoctorCli.RunAsync(server.Url("/mcp").ToString());

        Assert.Equal("SKIP", checks.Status("session-context"));
        Assert.Contains("Method not found", (string?)checks.Check("session-context")["detail"], StringComparison.Ordinal);

        script.Methods["session/get"] = _ => DoctorFakeServer.Error(-32603, "database unavailable");
        (result, checks) = await DoctorCli.RunAsync(server.Url("/mcp").ToString());

        Assert.Equal("WARN", checks.Status("session-context"));
        Assert.Contains("database unavailable", (string?)checks.Check("session-context")["detail"], StringComparison.Ordinal);
        Assert.Contains("activeGroupId", (string?)checks.Check("session-context")["fix"], StringComparison.Ordinal);
    }
}

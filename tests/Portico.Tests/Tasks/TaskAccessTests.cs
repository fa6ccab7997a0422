using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Portico.Access;
using Portico.Mcp;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Tasks;

/// <summary>Exploits against tasks: an id is never authorization, and bad params are clear -32602s, never a crash.</summary>
public sealed class TaskAccessTests
{
    private static Task<PorticoTestServer> StartAsync() => PorticoTestServer.StartAsync(services: s => s.AddMcpPack<TaskTestPack>());

    [Fact]
    public async Task Another_users_or_tenants_credential_sees_the_task_as_unknown_and_cannot_cancel_it()
    {
        await using var server = await StartAsync();
        var owner = new TaskCalls(server.CreateClient());
        var taskId = await owner.StartAsync("wait-job");

        await server.AdminAsync(admin => admin.AddMemberAsync(server.TenantId, "mallory@portico.test", "member", CancellationToken.None));
        var mallory = await server.AdminAsync(admin => admin.CreateKeyAsync("mallory@portico.test", "attacker", null, new HashSet<string>(Scopes.AllAreaScopes), null, test: true, CancellationToken.None));
        var other = await server.AdminAsync(admin => admin.CreateTenantAsync("Other team", "basic", CancellationToken.None));
        await server.AdminAsync(admin => admin.AddMemberAsync(other.Id, PorticoTestServer.UserEmail, "owner", CancellationToken.None));
        var otherTenant = await server.AdminAsync(admin => admin.CreateKeyAsync(PorticoTestServer.UserEmail, "other-tenant", other.Id, new HashSet<string>(Scopes.AllAreaScopes), null, test: true, CancellationToken.None));

        var unknown = await owner.SendAsync("tasks/get", new JsonObject { ["taskId"] = "task_" + new string('0', 32) });
        foreach (var key in new[] { mallory.Plaintext, otherTenant.Plaintext })
        {
            var attacker = new TaskCalls(server.CreateClient(key));
            foreach (var (method, extra) in new (string, JsonObject)[] { ("tasks/get", []), ("tasks/cancel", []), ("tasks/update", new JsonObject { ["inputResponses"] = new JsonObject() }) })
            {
                var parameters = new JsonObject { ["taskId"] = taskId };
                foreach (var (name, value) in extra)
                {
                    parameters[name] = value?.DeepClone();
                }

                var refused = await attacker.SendAsync(method, parameters);
                Assert.Equal(-32602, TaskCalls.ErrorCode(refused));
                // The same words as for an id that never existed (with the method's name): no existence oracle.
                Assert.Equal(((string)unknown["error"]!["message"]!).Replace("tasks/get", method, StringComparison.Ordinal), (string?)refused["error"]!["message"]);
            }
        }

        Assert.Equal("working", (string?)(await owner.GetAsync(taskId))["status"]);
        Assert.Equal(1, TaskTestPack.Of(server.Services).Running);
    }

    [Fact]
    public async Task A_narrower_scope_key_gets_no_task_and_cannot_read_one_made_with_the_scope()
    {
        await using var server = await StartAsync();
        var owner = new TaskCalls(server.CreateClient());
        var taskId = await owner.StartAsync("scoped-job");
        var narrow = await server.AdminAsync(admin => admin.CreateKeyAsync(PorticoTestServer.UserEmail, "read-only", null, new HashSet<string> { Scopes.Read("records") }, null, test: true, CancellationToken.None));
        var reader = new TaskCalls(server.CreateClient(narrow.Plaintext));

        Assert.Equal(-32602, TaskCalls.ErrorCode(await reader.SendAsync("tasks/get", new JsonObject { ["taskId"] = taskId })));
        var refused = await reader.CallAsync("scoped-job");
        Assert.Null(refused["taskId"]);
        Assert.True((bool)refused["isError"]!);
        Assert.Equal("SCOPE_NOT_ALLOWED", (string?)refused["structuredContent"]!["error"]!["code"]);
    }

    [Fact]
    public async Task Guessed_oversized_and_malformed_task_params_get_a_clear_invalid_params()
    {
        await using var server = await StartAsync();
        var calls = new TaskCalls(server.CreateClient());
        var taskId = await calls.StartAsync("ask-job");
        await calls.UntilAsync(taskId, "input_required");

        var cases = new (string Method, JsonObject Params)[]
        {
            ("tasks/get", new JsonObject { ["taskId"] = "task_" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)) }),
            ("tasks/get", new JsonObject { ["taskId"] = 42 }),
            ("tasks/get", new JsonObject()),
            ("tasks/cancel", new JsonObject { ["taskId"] = new JsonArray() }),
            ("tasks/update", new JsonObject { ["taskId"] = taskId }),
            ("tasks/update", new JsonObject { ["taskId"] = taskId, ["inputResponses"] = "yes" }),
            ("tasks/update", new JsonObject { ["taskId"] = taskId, ["inputResponses"] = new JsonObject { ["k"] = 1 } }),
        };
        foreach (var (method, parameters) in cases)
        {
            var answer = await calls.SendAsync(method, parameters);
            Assert.True(TaskCalls.ErrorCode(answer) == -32602, $"{method} {parameters.ToJsonString()[..Math.Min(80, parameters.ToJsonString().Length)]}: {answer.ToJsonString()[..Math.Min(300, answer.ToJsonString().Length)]}");
        }

        // An id too long for its Mcp-Name header (a client cannot mirror it) is refused by the 2026-07-28 header check before it is looked up.
        var oversized = await calls.SendAsync("tasks/get", new JsonObject { ["taskId"] = new string('a', 100_000) });
        Assert.Equal(-32020, TaskCalls.ErrorCode(oversized));

        // Answers to keys the task never asked are ignored; the task still waits for its own.
        var ack = TaskCalls.Result(await calls.SendAsync("tasks/update", new JsonObject { ["taskId"] = taskId, ["inputResponses"] = new JsonObject { ["forged"] = new JsonObject { ["action"] = "accept" } } }));
        Assert.Equal("complete", (string?)ack["resultType"]);
        var waiting = await calls.GetAsync(taskId);
        Assert.Equal("input_required", (string?)waiting["status"]);
        Assert.Null(waiting["inputRequests"]!["forged"]);
    }
}

using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portico.Tests.Security;
using Portico.Tests.TestSupport;
using Portico.Tests.Tools.Records;
using Portico.Tools.Workflows;
using static Portico.Tests.Tools.Workflows.WorkflowWorld;

namespace Portico.Tests.Tools.Workflows;

/// <summary>
/// Webhook triggers (pro plan) over real Kestrel: a signed delivery starts a run with its body as input, once per
/// delivery id across instances; every unsigned, forged, replayed, oversized or malformed delivery is refused without a run.
/// </summary>
public sealed class WorkflowHookTests
{
    private static JsonArray SaveStep() =>
    [
        Step("save", "create-record", new JsonObject { ["collection"] = "hooked", ["data"] = new JsonObject { ["name"] = "{{ input.name }}" } }),
    ];

    private static JsonObject WebhookTriggers() => new()
    {
        ["input_schema"] = new JsonObject { ["type"] = "object", ["required"] = new JsonArray("name") },
        ["triggers"] = new JsonArray(new JsonObject { ["type"] = "webhook" }),
    };

    /// <summary>Creates an active workflow with one webhook trigger; returns its id, the hook's path and its secret.</summary>
    private static async Task<(string Workflow, string Path, string Secret)> DefineHookAsync(RecordsClient client)
    {
        var arguments = new JsonObject { ["name"] = "hooked flow", ["steps"] = SaveStep() };
        foreach (var (key, value) in WebhookTriggers())
        {
            arguments[key] = value?.DeepClone();
        }

        var created = RecordsClient.Ok(await client.CallAsync("create_workflow", arguments));
        var workflow = (string)created["workflow"]!["workflow_id"]!;
        var hook = created["webhooks"]!.AsArray().Single()!;
        Assert.Equal((string?)created["workflow"]!["triggers"]![0]!["id"], (string?)hook["trigger_id"]);
        RecordsClient.Ok(await client.CallAsync("activate_workflow", new JsonObject { ["workflow_id"] = workflow }));
        return (workflow, (string)hook["path"]!, (string)hook["secret"]!);
    }

    private static Dictionary<string, string> Signed(string secret, DateTimeOffset at, string delivery, string body)
        => new()
        {
            [WorkflowHooks.TimestampHeader] = WorkflowHooks.Timestamp(at),
            [WorkflowHooks.DeliveryHeader] = delivery,
            [WorkflowHooks.SignatureHeader] = WorkflowHooks.Sign(secret, WorkflowHooks.Timestamp(at), delivery, Encoding.UTF8.GetBytes(body)),
        };

    private static async Task<(int Status, JsonObject Body)> PostAsync(PorticoTestServer server, string path, string body, IReadOnlyDictionary<string, string>? headers = null)
    {
        var (status, response) = await Security.RawHttp.SendAsync(server.BaseAddress, "POST", path, body, headers);
        var split = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        // The body may come chunked: the JSON object is what lies between its first '{' and last '}'.
        var rest = split < 0 ? "" : response[(split + 4)..];
        var (start, end) = (rest.IndexOf('{', StringComparison.Ordinal), rest.LastIndexOf('}'));
        return (status, start >= 0 && end > start ? JsonNode.Parse(rest[start..(end + 1)]) as JsonObject ?? [] : []);
    }

    private static async Task<int> RunCountAsync(WorkflowWorld world)
        => await world.StoreAsync(db => db.Set<WorkflowRunEntity>().CountAsync());

    [Fact]
    public async Task Webhooks_need_the_pro_plan()
    {
        await using var world = await WorkflowWorld.StartAsync();
        var arguments = new JsonObject { ["name"] = "hooked", ["steps"] = SaveStep(), ["triggers"] = new JsonArray(new JsonObject { ["type"] = "webhook" }) };
        var refused = RecordsClient.Error(await world.Owner.CallAsync("create_workflow", arguments), "TIER_REQUIRED");
        Assert.Contains("Webhook triggers require tier 'pro'", (string?)refused["message"], StringComparison.Ordinal);

        // Defined on pro, then the group drops to basic: deliveries are refused with the same code, and start nothing.
        await world.Server.AdminAsync(a => a.SetPlanAsync(world.Server.TenantId, "pro", CancellationToken.None));
        var (_, path, secret) = await DefineHookAsync(world.Owner);
        await world.Server.AdminAsync(a => a.SetPlanAsync(world.Server.TenantId, "basic", CancellationToken.None));
        const string body = """{"name":"late"}""";
        var (status, answer) = await PostAsync(world.Server, path, body, Signed(secret, world.Server.Clock.GetUtcNow(), "d-1", body));
        Assert.Equal(403, status);
        Assert.Equal("TIER_REQUIRED", (string?)answer["error"]);
        Assert.NotNull((string?)answer["hint"]);
        Assert.Equal(0, await RunCountAsync(world));
    }

    [Fact]
    public async Task A_signed_delivery_starts_a_run_with_its_body_as_input_once_per_delivery_id_on_any_instance()
    {
        await using var world = await WorkflowWorld.StartAsync();
        await world.Server.AdminAsync(a => a.SetPlanAsync(world.Server.TenantId, "pro", CancellationToken.None));
        var (workflow, path, secret) = await DefineHookAsync(world.Owner);
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);

        // The secret is shown once: get_workflow does not show it, and the store keeps it encrypted.
        var shown = RecordsClient.Ok(await world.Owner.CallAsync("get_workflow", new JsonObject { ["workflow_id"] = workflow }));
        Assert.DoesNotContain(secret, shown.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(path, (string?)shown["workflow"]!["triggers"]![0]!["path"]);
        var stored = await world.StoreAsync(db => db.Set<WorkflowHookEntity>().AsNoTracking().SingleAsync());
        Assert.DoesNotContain(secret, Encoding.UTF8.GetString(stored.Secret), StringComparison.Ordinal);

        const string body = """{"name":"Ada"}""";
        var (status, accepted) = await PostAsync(world.Server, path, body, Signed(secret, world.Server.Clock.GetUtcNow(), "delivery-1", body));
        Assert.Equal(202, status);
        Assert.False((bool)accepted["duplicate"]!);
        var runId = (string)accepted["run_id"]!;
        var run = await WaitForAsync(world.Owner, runId, "succeeded");
        Assert.Equal("Ada", (string?)run["steps"]![0]!["output"]!["record"]!["data"]!["name"]);
        Assert.Equal(path["/hooks/".Length..], (string?)run["trigger_id"]);

        // The sender retries the same delivery (signed anew, later), here and on another instance: the same run, nothing new.
        world.Server.Clock.Advance(TimeSpan.FromMinutes(1));
        var (again, repeated) = await PostAsync(world.Server, path, body, Signed(secret, world.Server.Clock.GetUtcNow(), "delivery-1", body));
        Assert.Equal(202, again);
        Assert.Equal(runId, (string?)repeated["run_id"]);
        Assert.True((bool)repeated["duplicate"]!);
        await using (var peer = await world.Server.StartPeerAsync())
        {
            var (onPeer, fromPeer) = await PostAsync(peer, path, body, Signed(secret, peer.Clock.GetUtcNow(), "delivery-1", body));
            Assert.Equal(202, onPeer);
            Assert.Equal(runId, (string?)fromPeer["run_id"]);

            // Many copies of a new delivery at once, on both instances: one run.
            const string second = """{"name":"Grace"}""";
            var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            {
                var server = i % 2 == 0 ? world.Server : peer;
                return PostAsync(server, path, second, Signed(secret, server.Clock.GetUtcNow(), "delivery-2", second));
            }));
            Assert.All(answers, a => Assert.True(a.Status == 202, a.Body.ToJsonString()));
            Assert.Single(answers.Select(a => (string?)a.Body["run_id"]).Distinct());
        }

        Assert.Equal(2, await RunCountAsync(world));
    }

    [Fact]
    public async Task Unsigned_forged_replayed_foreign_oversized_and_malformed_deliveries_start_nothing()
    {
        await using var world = await WorkflowWorld.StartAsync(new Dictionary<string, string?> { ["Portico:Workflows:WebhookMaxBodyBytes"] = "1024" });
        await world.Server.AdminAsync(a => a.SetPlanAsync(world.Server.TenantId, "pro", CancellationToken.None));
        var (_, path, secret) = await DefineHookAsync(world.Owner);
        var (other, otherPath, otherSecret) = await DefineHookAsync(world.Owner);
        var now = world.Server.Clock.GetUtcNow();
        const string body = """{"name":"Mallory"}""";

        // No signature at all, or part of it.
        var (unsigned, unsignedAnswer) = await PostAsync(world.Server, path, body);
        Assert.Equal(401, unsigned);
        Assert.Equal("signature_required", (string?)unsignedAnswer["error"]);
        Assert.Contains("X-Portico-Signature", (string?)unsignedAnswer["hint"], StringComparison.Ordinal);
        var partial = Signed(secret, now, "d-1", body);
        partial.Remove(WorkflowHooks.TimestampHeader);
        Assert.Equal(401, (await PostAsync(world.Server, path, body, partial)).Status);

        // A forged signature; a signature of another body; a delivery id changed after signing.
        var forged = Signed(secret, now, "d-1", body);
        forged[WorkflowHooks.SignatureHeader] = "sha256=" + new string('0', 64);
        Assert.Equal("invalid_signature", (string?)(await PostAsync(world.Server, path, body, forged)).Body["error"]);
        Assert.Equal(401, (await PostAsync(world.Server, path, """{"name":"Eve"}""", Signed(secret, now, "d-1", body))).Status);
        var moved = Signed(secret, now, "d-1", body);
        moved[WorkflowHooks.DeliveryHeader] = "d-2";
        Assert.Equal(401, (await PostAsync(world.Server, path, body, moved)).Status);
        var garbage = Signed(secret, now, "d-1", body);
        garbage[WorkflowHooks.SignatureHeader] = "sha256=not-hex";
        Assert.Equal(401, (await PostAsync(world.Server, path, body, garbage)).Status);

        // A captured delivery replayed after the tolerance window, and one dated in the future.
        var captured = Signed(secret, now, "d-3", body);
        world.Server.Clock.Advance(TimeSpan.FromMinutes(6));
        var (replayed, replayAnswer) = await PostAsync(world.Server, path, body, captured);
        Assert.Equal(401, replayed);
        Assert.Equal("stale_timestamp", (string?)replayAnswer["error"]);
        now = world.Server.Clock.GetUtcNow();
        Assert.Equal(401, (await PostAsync(world.Server, path, body, Signed(secret, now.AddMinutes(10), "d-4", body))).Status);

        // Another workflow's secret does not sign this hook.
        Assert.Equal(401, (await PostAsync(world.Server, path, body, Signed(otherSecret, now, "d-5", body))).Status);

        // An unknown hook and a deactivated workflow's hook get the same answer, even signed correctly.
        RecordsClient.Ok(await world.Owner.CallAsync("deactivate_workflow", new JsonObject { ["workflow_id"] = other }));
        var (inactive, inactiveAnswer) = await PostAsync(world.Server, otherPath, body, Signed(otherSecret, now, "d-6", body));
        var (unknown, unknownAnswer) = await PostAsync(world.Server, "/hooks/trg_" + new string('a', 24), body, Signed(otherSecret, now, "d-6", body));
        var (malformedId, malformedIdAnswer) = await PostAsync(world.Server, "/hooks/../mcp", body, Signed(secret, now, "d-6", body));
        Assert.Equal(404, inactive);
        Assert.Equal(404, unknown);
        inactiveAnswer.Remove("requestId");
        unknownAnswer.Remove("requestId");
        Assert.Equal(unknownAnswer.ToJsonString(), inactiveAnswer.ToJsonString());
        Assert.True(malformedId is 401 or 404, $"/hooks/../mcp → {malformedId}: {malformedIdAnswer.ToJsonString()}");

        // Too large: refused by its Content-Length before anything is read, and by counting when chunked.
        var large = "{\"name\":\"" + new string('x', 2000) + "\"}";
        var (tooLarge, tooLargeAnswer) = await PostAsync(world.Server, path, large, Signed(secret, now, "d-7", large));
        Assert.Equal(413, tooLarge);
        Assert.Equal("payload_too_large", (string?)tooLargeAnswer["error"]);
        Assert.Equal(413, await PostChunkedAsync(world.Server, path, large, Signed(secret, now, "d-8", large)));

        // Signed but not a JSON object, or not meeting the input schema.
        foreach (var bad in new[] { "{\"name\":", "[1,2]", "\"text\"", "{\"other\":1}" })
        {
            var (status, answer) = await PostAsync(world.Server, path, bad, Signed(secret, now, "d-bad", bad));
            Assert.Equal(400, status);
            Assert.NotNull((string?)answer["hint"]);
        }

        // Every spelling of the path without a signature: never accepted.
        foreach (var spelling in EndpointAccessTests.Spellings(path))
        {
            var (status, _) = await PostAsync(world.Server, spelling, body);
            Assert.True(status is 400 or 401 or 404 or 405, $"POST {spelling} → {status}");
        }

        Assert.Equal(0, await RunCountAsync(world));
    }

    private static async Task<int> PostChunkedAsync(PorticoTestServer server, string path, string body, Dictionary<string, string> headers)
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body))) };
        request.Headers.TransferEncodingChunked = true;
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        try
        {
            using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
            return (int)response.StatusCode;
        }
        catch (HttpRequestException ex) when (ex.InnerException is IOException)
        {
            // Kestrel may close the connection on a body it will not read; nothing was accepted either way.
            return (int)HttpStatusCode.RequestEntityTooLarge;
        }
    }
}

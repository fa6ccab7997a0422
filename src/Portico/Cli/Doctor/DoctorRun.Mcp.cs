using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portico.Cli.Doctor;

internal sealed partial class DoctorRun
{
    private int _nextId = 2;

    /// <summary>The handshake of each revision, the tools, the session's group and tier, and one harmless call.</summary>
    private async Task McpAsync(Uri endpoint, DoctorReply initialized, CancellationToken cancellationToken)
    {
        if (!Initialize(initialized))
        {
            return;
        }

        await PostAsync(endpoint, new JsonObject { ["jsonrpc"] = "2.0", ["method"] = "notifications/initialized" }, McpHeaders(SessionRevision), cancellationToken);
        await StatelessAsync(endpoint, cancellationToken);
        if (!await ToolsAsync(endpoint, cancellationToken))
        {
            return;
        }

        await SessionContextAsync(endpoint, cancellationToken);
        var unavailable = await HiddenToolsAsync(endpoint, cancellationToken);
        ToolExists(unavailable);
        await PingAsync(endpoint, cancellationToken);
    }

    private bool Initialize(DoctorReply reply)
    {
        const string Name = "initialize " + SessionRevision;
        if (reply.IsHtml)
        {
            Checks.Add(HtmlPage(Name, "POST initialize", reply, metadata: false));
            return false;
        }

        if (reply.RpcResult is not JsonObject result)
        {
            Checks.Add(DoctorCheck.Fail(Name, $"{reply.Summary}{(reply.RpcError is { } e ? $": {e}" : "")}", "The MCP handshake failed.",
                reply.Status == 406 ? "The server wants other Accept or Content-Type headers: configure the client for Streamable HTTP (not stdio or the old HTTP+SSE transport)."
                    : "Check that the client is configured for Streamable HTTP and that the URL is the server's MCP endpoint; the server's logs say why it refused."));
            return false;
        }

        SessionId = reply.Header("Mcp-Session-Id");
        var server = result["serverInfo"];
        var detail = $"protocol {(string?)result["protocolVersion"]}, server {(string?)server?["name"]} {(string?)server?["version"]}, "
            + (SessionId is null ? "no session (the server keeps none)" : $"session {SessionId}");
        Checks.Add(DoctorCheck.Pass(Name, detail));
        return true;
    }

    /// <summary>The sessionless 2026-07-28 revision: server/discover with the headers that mirror the body.</summary>
    private async Task StatelessAsync(Uri endpoint, CancellationToken cancellationToken)
    {
        const string Name = "discover " + StatelessRevision;
        var message = Request("server/discover", new JsonObject
        {
            ["_meta"] = new JsonObject
            {
                ["io.modelcontextprotocol/protocolVersion"] = StatelessRevision,
                ["io.modelcontextprotocol/clientInfo"] = new JsonObject { ["name"] = "portico-doctor", ["version"] = "1.0" },
                ["io.modelcontextprotocol/clientCapabilities"] = new JsonObject(),
            },
        });
        var headers = BaseHeaders();
        headers.Add(new("MCP-Protocol-Version", StatelessRevision));
        headers.Add(new("Mcp-Method", "server/discover"));
        var reply = await PostAsync(endpoint, message, headers, cancellationToken);
        if (reply.RpcResult is JsonObject result)
        {
            var versions = result["supportedVersions"]?.AsArray().Select(v => (string?)v) ?? [];
            Checks.Add(DoctorCheck.Pass(Name, $"server/discover answers without a session{(versions.Any() ? $"; supported versions {string.Join(", ", versions)}" : "")}"));
            return;
        }

        Checks.Add(DoctorCheck.Warn(Name, $"{reply.Summary}{(reply.RpcError is { } e ? $": {e}" : "")}",
            $"The server does not serve the sessionless {StatelessRevision} revision; clients that speak only it cannot connect.",
            $"Clients that support {SessionRevision} work (checked above); for {StatelessRevision} clients, upgrade the server."));
    }

    private async Task<bool> ToolsAsync(Uri endpoint, CancellationToken cancellationToken)
    {
        var reply = await PostAsync(endpoint, Request("tools/list", []), McpHeaders(SessionRevision), cancellationToken);
        if (reply.RpcResult?["tools"] is not JsonArray tools)
        {
            Checks.Add(DoctorCheck.Fail("tools/list", $"{reply.Summary}{(reply.RpcError is { } e ? $": {e}" : "")}", "The server does not list its tools to this session.",
                "Check the server's logs for this request; with a gateway, /health/vendors shows whether its upstreams answer."));
            return false;
        }

        _tools = tools;
        var names = ToolNames().ToList();
        Checks.Add(names.Count == 0
            ? DoctorCheck.Warn("tools/list", "no tools", "The server lists no tools for this credential: a gateway lists only upstreams you have valid credentials for, and a scope or allowlist may hide the rest.",
                "Check the credential's scope and your team's allowlist; save the upstream's credentials; then restart the client (clients enumerate tools only at session start).")
            : DoctorCheck.Pass("tools/list", $"{names.Count} tools{(reply.RpcResult["nextCursor"] is null ? "" : " on the first page")}: {string.Join(", ", names.Take(8))}{(names.Count > 8 ? ", …" : "")}"));
        return true;
    }

    /// <summary>
    /// Whose session this is, which group (tenant) its calls act on and at which tier; seed 000's "is an active group
    /// set" and "does the active group have the right tier". Asks Portico's own method <c>session/get</c>, else the
    /// <c>get-session-context</c> tool; a server with neither has no groups, which is no fault.
    /// </summary>
    private async Task SessionContextAsync(Uri endpoint, CancellationToken cancellationToken)
    {
        const string Name = "session-context";
        var method = await PostAsync(endpoint, Request("session/get", []), McpHeaders(SessionRevision), cancellationToken);
        // A server without the method may still answer an empty result: only an answer with groups is a session context.
        JsonNode? context = method.RpcResult is JsonObject { } answer && answer["groups"] is JsonArray ? answer : null;
        var source = "session/get";
        if (context is null)
        {
            var refused = $"session/get: {method.RpcError ?? (method.RpcResult is null ? method.Summary : "no session context in its answer")}";
            if (!ToolNames().Contains("get-session-context"))
            {
                Checks.Add(method.Json?["error"]?["code"] is { } code && (int?)code == -32601 || method.Status is 404 or 405
                    ? DoctorCheck.Skip(Name, $"{refused}; no get-session-context tool either: the server has no groups to check")
                    : DoctorCheck.Warn(Name, $"{refused}; no get-session-context tool", "The server could not say which group (tenant) this session acts on.",
                        "Check the server's logs for this request; then look at activeGroupId in session/get's answer: if it is null, call set-active-group."));
                return;
            }

            (var reply, context) = await CallToolAsync(endpoint, "get-session-context", cancellationToken);
            source = "get-session-context";
            if (context is null)
            {
                Checks.Add(DoctorCheck.Fail(Name, $"{refused}; get-session-context failed: {reply.RpcError ?? ToolText(reply) ?? reply.Summary}",
                    "The server could not tell who this session is or which group it acts on.", "Check the server's logs for this request (the session id is in the report)."));
                return;
            }
        }

        var groups = context["groups"] as JsonArray ?? [];
        var who = (string?)context["user"]?["email"] ?? (string?)context["user"]?["id"] ?? "anonymous";
        var resolved = context["resolvedGroup"];
        if (resolved?["groupId"] is not null)
        {
            Checks.Add(DoctorCheck.Pass(Name, $"{source}: {who}: active group {(string?)resolved["groupId"]} (tier {(string?)resolved["tier"]}, {(string?)resolved["source"]}), {groups.Count} group(s)"));
            return;
        }

        var message = (string?)resolved?["message"] ?? "No active group set.";
        var hint = (string?)resolved?["hint"] ?? "Call set-active-group with one of get-session-context.groups[].groupId.";
        Checks.Add(groups.Count > 0
            ? DoctorCheck.Warn(Name, $"{source}: {who}: {groups.Count} groups ({string.Join(", ", groups.Select(g => $"{(string?)g?["groupId"]} tier {(string?)g?["tier"]}"))}), activeGroupId null",
                $"{message} Every tool that needs a group is refused until one is active.", hint)
            : DoctorCheck.Fail(Name, $"{source}: {who}: no groups", $"{message} The user belongs to no group, so every tool that needs one is refused.",
                (string?)resolved?["hint"] ?? "Ask an owner of the group to add you (Portico: portico members add), then call set-active-group."));
    }

    /// <summary>Tools the caller cannot use and why (tier, scope, credentials, upstream down), when the server explains them with <c>list_available_tools</c>.</summary>
    private async Task<JsonArray?> HiddenToolsAsync(Uri endpoint, CancellationToken cancellationToken)
    {
        const string Name = "unavailable-tools";
        if (!ToolNames().Contains("list_available_tools"))
        {
            return null;
        }

        var (reply, answer) = await CallToolAsync(endpoint, "list_available_tools", cancellationToken);
        if (answer?["unavailable"] is not JsonArray unavailable)
        {
            Checks.Add(DoctorCheck.Warn(Name, $"list_available_tools failed: {reply.RpcError ?? ToolText(reply) ?? reply.Summary}", "The server could not explain which tools are hidden.", "Check the server's logs for this request."));
            return null;
        }

        // A tier or scope gate is the plan working as sold, not a fault: named, but a PASS. Anything else (an upstream
        // down, credentials not saved, an integration not configured) is something the user can fix now.
        var gated = unavailable.Where(t => (string?)t?["reason"] is "TIER_REQUIRED" or "SCOPE_NOT_ALLOWED").ToList();
        var broken = unavailable.Except(gated).ToList();
        var gatedText = gated.Count == 0 ? "" : $"; gated by plan or scope: {string.Join("; ", gated.Select(t => (string?)t?["message"]).Take(5))}";
        Checks.Add(broken.Count == 0
            ? DoctorCheck.Pass(Name, $"every tool is available to this credential and group{gatedText}")
            : DoctorCheck.Warn(Name, $"{broken.Count} tool(s) unavailable: {string.Join(", ", broken.Select(t => (string?)t?["name"]).Take(8))}{gatedText}",
                string.Join(" ", broken.Select(t => (string?)t?["message"]).Distinct().Take(5)),
                string.Join(" ", broken.Select(t => (string?)t?["hint"]).OfType<string>().Distinct().Take(3))));
        return unavailable;
    }

    /// <summary>With <c>--tool NAME</c>: seed 000's "does the tool exist", and if it is hidden, why.</summary>
    private void ToolExists(JsonArray? unavailable)
    {
        if (tool is null)
        {
            return;
        }

        var name = $"tool {tool}";
        if (ToolNames().Contains(tool))
        {
            Checks.Add(DoctorCheck.Pass(name, "listed in tools/list"));
            return;
        }

        if (unavailable?.FirstOrDefault(t => (string?)t?["name"] == tool) is { } hidden)
        {
            Checks.Add(DoctorCheck.Warn(name, $"exists but is not available: {(string?)hidden["reason"]}", (string?)hidden["message"] ?? "", (string?)hidden["hint"] ?? ""));
            return;
        }

        var similar = ToolNames().Where(n => n.Contains(tool, StringComparison.OrdinalIgnoreCase) || tool.Contains(n, StringComparison.OrdinalIgnoreCase)).Take(3).ToList();
        Checks.Add(DoctorCheck.Fail(name, "not listed", $"The tool '{tool}' does not exist for this credential{(similar.Count > 0 ? $" (similar: {string.Join(", ", similar)})" : "")}.",
            "Check the exact name in tools/list. A gateway lists an upstream's tools only while it is up and you have credentials for it; clients enumerate tools at session start, so restart the client after a change."));
    }

    /// <summary>One harmless call: the server's <c>ping</c> tool when it lists one, else the protocol's ping.</summary>
    private async Task PingAsync(Uri endpoint, CancellationToken cancellationToken)
    {
        if (ToolNames().Contains("ping"))
        {
            var (reply, _) = await CallToolAsync(endpoint, "ping", cancellationToken);
            Checks.Add(reply.RpcResult is { } result && result["isError"]?.GetValueKind() != JsonValueKind.True
                ? DoctorCheck.Pass("call", $"tools/call ping: {Short(ToolText(reply) ?? "ok")}")
                : DoctorCheck.Fail("call", $"tools/call ping: {reply.RpcError ?? ToolText(reply) ?? reply.Summary}", "A harmless tool call failed although the session works.",
                    "Read the error's hint; the server's logs (or portico audit --session <id>) show the call."));
            return;
        }

        var pong = await PostAsync(endpoint, Request("ping", []), McpHeaders(SessionRevision), cancellationToken);
        Checks.Add(pong.RpcResult is not null
            ? DoctorCheck.Pass("call", "ping answered")
            : DoctorCheck.Fail("call", $"ping: {pong.RpcError ?? pong.Summary}", "The server does not answer a ping in the session it just opened.", "Check the server's logs; a proxy may route requests of one session to different instances without shared sessions."));
    }

    private static string Short(string text) => text.Length <= 120 ? text : text[..120] + "…";

    private IEnumerable<string> ToolNames() => _tools.Select(t => (string?)t?["name"]).OfType<string>();

    private async Task<(DoctorReply Reply, JsonNode? Structured)> CallToolAsync(Uri endpoint, string name, CancellationToken cancellationToken)
    {
        var reply = await PostAsync(endpoint, Request("tools/call", new JsonObject { ["name"] = name, ["arguments"] = new JsonObject() }), McpHeaders(SessionRevision), cancellationToken);
        if (reply.RpcResult is not { } result || result["isError"]?.GetValueKind() == JsonValueKind.True)
        {
            return (reply, null);
        }

        if (result["structuredContent"] is JsonObject structured)
        {
            return (reply, structured);
        }

        try
        {
            return (reply, ToolText(reply) is { } text ? JsonNode.Parse(text) : null);
        }
        catch (JsonException)
        {
            return (reply, null);
        }
    }

    private static string? ToolText(DoctorReply reply)
        => reply.RpcResult?["content"] is JsonArray content ? content.Select(c => (string?)c?["text"]).OfType<string>().FirstOrDefault() : null;

    private JsonObject Request(string method, JsonObject parameters)
        => new() { ["jsonrpc"] = "2.0", ["id"] = _nextId++, ["method"] = method, ["params"] = parameters };

    private Task<DoctorReply> PostAsync(Uri endpoint, JsonObject message, List<KeyValuePair<string, string>> headers, CancellationToken cancellationToken)
        => http.SendAsync(HttpMethod.Post, endpoint, message.ToJsonString(), headers, cancellationToken);

    private List<KeyValuePair<string, string>> BaseHeaders()
    {
        List<KeyValuePair<string, string>> headers = [new("Accept", "application/json, text/event-stream")];
        if (_authorization is not null)
        {
            headers.Add(new("Authorization", _authorization));
        }

        return headers;
    }

    private List<KeyValuePair<string, string>> McpHeaders(string revision)
    {
        var headers = BaseHeaders();
        headers.Add(new("MCP-Protocol-Version", revision));
        if (SessionId is not null)
        {
            headers.Add(new("Mcp-Session-Id", SessionId));
        }

        return headers;
    }
}

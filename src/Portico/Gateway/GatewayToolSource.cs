using System.Text.Json;
using Microsoft.Extensions.Options;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Portico.Access;
using Portico.Mcp;
using Portico.Policy;
using Portico.Policy.Schema;

namespace Portico.Gateway;

/// <summary>
/// The upstreams' tools in the catalog, as <c>prefix__tool</c>. An upstream that is down keeps its
/// tools known but unavailable (<c>UPSTREAM_UNAVAILABLE</c>); every change raises
/// <see cref="Changed"/>, which sends tools/list_changed to open sessions. Calls go through the
/// policy pipeline first; <see cref="CallAsync"/> is only its last step.
/// </summary>
internal sealed partial class GatewayToolSource(
    UpstreamClientPool pool,
    UpstreamCredentialCache credentials,
    TenantResolver tenants,
    UpstreamOAuth oauth,
    UpstreamOAuthLinks links,
    IOptionsMonitor<GatewayOptions> options,
    TimeProvider time,
    ILogger<GatewayToolSource> logger)
    : IDynamicToolSource
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, UpstreamState> _states = new(StringComparer.Ordinal);
    private IReadOnlyList<ToolDefinition> _tools = [];
    private IReadOnlyList<UnavailableTool> _unavailable = [];
    private Dictionary<ToolDefinition, UpstreamDefinition> _owners = new(ReferenceEqualityComparer.Instance);
    private IReadOnlyList<PromptDefinition> _prompts = [];
    private IReadOnlyList<Resource> _resources = [];
    private IReadOnlyList<ResourceTemplate> _templates = [];

    public IReadOnlyList<ToolDefinition> Tools => _tools;

    public IReadOnlyList<UnavailableTool> Unavailable => _unavailable;

    public IReadOnlyList<PromptDefinition> Prompts => _prompts;

    public IReadOnlyList<Resource> Resources => _resources;

    public IReadOnlyList<ResourceTemplate> Templates => _templates;

    /// <summary>Reads <c>prefix+uri</c> from the upstream <c>prefix</c> while it is up; any other URI is not this source's.</summary>
    public Func<RequestContext<ReadResourceRequestParams>, CancellationToken, ValueTask<ReadResourceResult>>? ReaderFor(string uri)
    {
        if (!GatewayResourceUris.TrySplit(uri, out var prefix, out var original))
        {
            return null;
        }

        UpstreamDefinition upstream;
        lock (_lock)
        {
            if (!_states.TryGetValue(prefix, out var state) || state.Status(options.CurrentValue.FailureThreshold) == "down")
            {
                return null;
            }

            upstream = state.Definition;
        }

        return (request, cancellationToken) => ReadAsync(upstream, original, request, cancellationToken);
    }

    public event Action? Changed;

    /// <summary>The upstream a served tool proxies to; null for any other tool.</summary>
    public UpstreamDefinition? UpstreamOf(ToolDefinition tool) => _owners.GetValueOrDefault(tool);

    /// <summary>Takes the store's upstreams as they are now: new ones are added, removed or changed ones lose their sessions.</summary>
    public async Task ApplyAsync(IReadOnlyList<UpstreamDefinition> upstreams)
    {
        var closed = new List<string>();
        lock (_lock)
        {
            var wanted = upstreams.Where(u => u.Enabled).ToDictionary(u => u.Name, StringComparer.Ordinal);
            foreach (var name in _states.Keys.ToList())
            {
                if (!wanted.TryGetValue(name, out var definition) || !definition.SameAs(_states[name].Definition))
                {
                    _states.Remove(name);
                    closed.Add(name);
                }
            }

            foreach (var upstream in wanted.Values)
            {
                _states.TryAdd(upstream.Name, new UpstreamState(upstream));
            }
        }

        foreach (var name in closed)
        {
            await pool.CloseAsync(name);
        }

        Publish();
    }

    /// <summary>The upstreams to check, with the client the check uses.</summary>
    public IReadOnlyList<UpstreamDefinition> Upstreams()
    {
        lock (_lock)
        {
            return [.. _states.Values.Select(s => s.Definition)];
        }
    }

    public bool NeedsToolList(string name)
    {
        lock (_lock)
        {
            return _states.TryGetValue(name, out var state) && (state.ToolsStale || state.Status(options.CurrentValue.FailureThreshold) == "down");
        }
    }

    public void MarkToolsStale(string name)
    {
        lock (_lock)
        {
            if (_states.TryGetValue(name, out var state))
            {
                state.ToolsStale = true;
            }
        }
    }

    public void RecordSuccess(UpstreamDefinition upstream, long latencyMs, UpstreamListing? listed)
    {
        var changed = false;
        lock (_lock)
        {
            if (!_states.TryGetValue(upstream.Name, out var state) || !ReferenceEquals(state.Definition, upstream))
            {
                return;
            }

            changed = state.Status(options.CurrentValue.FailureThreshold) != "up";
            state.ConsecutiveFailures = 0;
            state.LastCheckedAt = state.LastSuccessAt = time.GetUtcNow();
            state.LatencyMs = latencyMs;
            state.LastError = null;
            if (listed is not null)
            {
                (state.Tools, state.Refused) = Build(upstream, listed.Tools);
                state.Prompts = [.. listed.Prompts.Select(p => BuildPrompt(upstream, p))];
                state.Resources = [.. listed.Resources.Select(r => Namespaced(upstream, r))];
                state.Templates = [.. listed.Templates.Select(t => Namespaced(upstream, t))];
                state.ToolsStale = false;
                state.LastError = state.Refused.Count == 0 ? null : string.Join("; ", state.Refused.Select(r => r.Message));
                changed = true;
            }
        }

        if (changed)
        {
            LogUp(logger, upstream.Name, latencyMs);
            Publish();
        }
    }

    public void RecordFailure(UpstreamDefinition upstream, string error)
    {
        bool wentDown;
        int failures;
        lock (_lock)
        {
            if (!_states.TryGetValue(upstream.Name, out var state) || !ReferenceEquals(state.Definition, upstream))
            {
                return;
            }

            var threshold = options.CurrentValue.FailureThreshold;
            var before = state.Status(threshold);
            state.ConsecutiveFailures++;
            state.LastCheckedAt = time.GetUtcNow();
            state.LastError = error;
            state.LatencyMs = null;
            failures = state.ConsecutiveFailures;
            wentDown = before != "down" && state.Status(threshold) == "down";
        }

        LogCheckFailed(logger, upstream.Name, failures, error);
        if (wentDown)
        {
            LogDown(logger, upstream.Name, failures);
            Publish();
        }
    }

    public List<VendorHealth> Health()
    {
        var threshold = options.CurrentValue.FailureThreshold;
        lock (_lock)
        {
            return [.. _states.Values.OrderBy(s => s.Definition.Name, StringComparer.Ordinal).Select(s => new VendorHealth(
                s.Definition.Name, s.Status(threshold), s.ConsecutiveFailures, s.LastCheckedAt, s.LastSuccessAt, s.LastError, s.LatencyMs, s.Tools?.Count ?? 0))];
        }
    }

    /// <summary>Recomputes the served and the unavailable tools and tells the catalog.</summary>
    private void Publish()
    {
        var threshold = options.CurrentValue.FailureThreshold;
        var tools = new List<ToolDefinition>();
        var unavailable = new List<UnavailableTool>();
        var owners = new Dictionary<ToolDefinition, UpstreamDefinition>(ReferenceEqualityComparer.Instance);
        var prompts = new List<PromptDefinition>();
        var resources = new List<Resource>();
        var templates = new List<ResourceTemplate>();
        lock (_lock)
        {
            foreach (var state in _states.Values)
            {
                unavailable.AddRange(state.Refused);
                if (state.Status(threshold) != "down" && state.Tools is { } served)
                {
                    tools.AddRange(served);
                    foreach (var tool in served)
                    {
                        owners[tool] = state.Definition;
                    }

                    // Prompts and resources of a down upstream are not explained, just hidden: MCP has no "unavailable" for them.
                    prompts.AddRange(state.Prompts);
                    resources.AddRange(state.Resources);
                    templates.AddRange(state.Templates);

                    continue;
                }

                if (state.Status(threshold) != "down" && state.Definition.CredentialMode == UpstreamDefinition.CredentialsOAuth)
                {
                    // Reachable, but its tools are listed only with a user's token: every call under its prefix gets the caller's connect link.
                    unavailable.Add(AwaitingSignIn(state.Definition));
                    continue;
                }

                var hint = $"The upstream '{state.Definition.Name}' failed its last {state.ConsecutiveFailures} health checks ({state.LastError ?? "not reachable yet"}). "
                    + "Its tools come back by themselves once it answers again; see /health/vendors.";
                var message = $"Upstream '{state.Definition.Name}' is unavailable.";
                var names = state.Tools is { Count: > 0 } known ? known.Select(t => t.Name) : [state.Definition.Name + GatewayToolNames.Separator + "*"];
                unavailable.AddRange(names.Select(n => new UnavailableTool(n, "UPSTREAM_UNAVAILABLE", message, hint)));
            }

            _tools = tools;
            _unavailable = unavailable;
            _owners = owners;
            _prompts = prompts;
            _resources = resources;
            _templates = templates;
        }

        Changed?.Invoke();
    }

    private (IReadOnlyList<ToolDefinition>, IReadOnlyList<UnavailableTool>) Build(UpstreamDefinition upstream, IList<Tool> listed)
    {
        var settings = options.CurrentValue;
        var tools = new List<ToolDefinition>();
        var refused = new List<UnavailableTool>();
        var taken = new HashSet<string>(StringComparer.Ordinal);
        foreach (var original in listed.Where(t => upstream.Offers(t.Name)).OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            var name = GatewayToolNames.Build(upstream.Name, original.Name);
            if (!taken.Add(name))
            {
                LogNameCollision(logger, upstream.Name, original.Name, name);
                continue;
            }

            CompiledSchema validator;
            try
            {
                validator = JsonSchemaCompiler.Compile(original.InputSchema);
            }
            catch (UnsupportedSchemaException ex)
            {
                // Calling it unchecked would bypass validation; refuse it visibly instead.
                LogSchemaUnsupported(logger, upstream.Name, original.Name, ex.Message);
                refused.Add(new UnavailableTool(name, "SCHEMA_UNSUPPORTED", $"The input schema of '{original.Name}' on upstream '{upstream.Name}' cannot be validated: {ex.Message}",
                    "The upstream must simplify the tool's schema, or an operator can deny the tool (upstream deny list)."));
                continue;
            }

            var readOnly = original.Annotations?.ReadOnlyHint == true;
            var upstreamName = original.Name;
            tools.Add(new ToolDefinition
            {
                Tool = new Tool
                {
                    Name = name,
                    Title = original.Title,
                    Description = original.Description,
                    InputSchema = original.InputSchema,
                    OutputSchema = original.OutputSchema,
                    Annotations = original.Annotations,
                    Icons = original.Icons,
                },
                Owner = upstream.Name,
                UpstreamTool = original,
                RequiredScope = readOnly ? settings.ReadScope : settings.WriteScope,
                Write = !readOnly,
                NeedsTenant = upstream.CredentialMode == UpstreamDefinition.CredentialsTenant,
                InputValidator = validator,
                Handler = (invocation, cancellationToken) => CallAsync(upstream, upstreamName, invocation, cancellationToken),
            });
        }

        return (tools, refused);
    }

    /// <summary>
    /// The last step of a proxied call: the caller's stored credential when the upstream needs one,
    /// the pooled session of the caller (and that credential), the upstream's timeout, its errors in
    /// Portico's envelope.
    /// </summary>
    private async ValueTask<CallToolResult> CallAsync(UpstreamDefinition upstream, string tool, ToolInvocation invocation, CancellationToken cancellationToken)
    {
        var (identity, credential, refusal) = await IdentityOfAsync(upstream, invocation.Call, invocation.Tenant, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        var isOAuth = upstream.CredentialMode == UpstreamDefinition.CredentialsOAuth;
        if (isOAuth && credential is not null)
        {
            var (fresh, problem) = await FreshAsync(upstream, credential, refused: false, invocation, cancellationToken);
            if (fresh is null)
            {
                return problem!;
            }

            (credential, identity) = (fresh, PoolIdentity(invocation.Call.Principal, fresh));
        }

        var arguments = invocation.Request.Params?.Arguments;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(upstream.Timeout);
        CallToolResult result;
        var refreshed = false;
        while (true)
        {
            try
            {
                result = await Connection(upstream, identity, credential).CallToolAsync(tool, arguments, invocation, deadline.Token);
                break;
            }
            catch (Exception ex) when (ex is not OperationCanceledException && isOAuth && !refreshed && credential is not null && UpstreamUnauthorizedException.Find(ex) is not null)
            {
                // The access token was refused before its time (revoked, clock skew): refresh once and retry once.
                // A 401 comes before the upstream runs anything, so the retry cannot run the tool twice.
                refreshed = true;
                await pool.CloseAsync(upstream.Name, i => i == identity);
                var (fresh, problem) = await FreshAsync(upstream, credential, refused: true, invocation, cancellationToken);
                if (fresh is null)
                {
                    return problem!;
                }

                (credential, identity) = (fresh, PoolIdentity(invocation.Call.Principal, fresh));
            }
            catch (Exception ex) when (ex is not OperationCanceledException && UpstreamUnauthorizedException.Find(ex) is { } unauthorized)
            {
                return await RefusedAsync(upstream, tool, identity, credential, unauthorized, invocation);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && deadline.IsCancellationRequested)
            {
                return ToolError.Result("UPSTREAM_TIMEOUT", $"Upstream '{upstream.Name}' did not answer '{tool}' within {upstream.Timeout.TotalSeconds:0.#} s.",
                    "Retry later, or ask an operator to raise the upstream's timeout (portico upstreams add --timeout).", invocation.Call.RequestId);
            }
            catch (McpProtocolException ex)
            {
                return ToolError.Result("UPSTREAM_ERROR", $"Upstream '{upstream.Name}' refused '{tool}': {ex.Message}",
                    "Check the arguments against the tool's schema; the message above is the upstream's own.", invocation.Call.RequestId,
                    new System.Text.Json.Nodes.JsonObject { ["upstreamCode"] = (int)ex.ErrorCode });
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogCallFailed(logger, ex, upstream.Name, tool);
                return ToolError.Result("UPSTREAM_UNAVAILABLE", $"Upstream '{upstream.Name}' could not be reached for '{tool}': {ex.Message}",
                    "Retry in a moment; /health/vendors shows whether the upstream is down.", invocation.Call.RequestId);
            }
        }

        return result.IsError == true && !HasEnvelope(result) ? Wrap(upstream, tool, result, invocation.Call.RequestId) : result;
    }

    /// <summary>The caller's OAuth tokens, refreshed when due; else the answer to give (invalid with a connect link, or the authorization server unreachable).</summary>
    private async Task<(UpstreamCredential? Credential, CallToolResult? Refusal)> FreshAsync(UpstreamDefinition upstream, UpstreamCredential credential, bool refused,
        ToolInvocation invocation, CancellationToken cancellationToken)
    {
        try
        {
            var (fresh, problem) = await oauth.FreshAsync(credential, refused, cancellationToken);
            return fresh is not null
                ? (fresh, null)
                : (null, CredentialOwner.Of(upstream, invocation, links).InvalidResult(upstream, time.GetUtcNow(), problem, invocation.Call.RequestId));
        }
        catch (HttpRequestException ex)
        {
            return (null, ToolError.Result("UPSTREAM_UNAVAILABLE", $"The authorization server of upstream '{upstream.Name}' could not be reached to refresh your token: {ex.Message}",
                "Retry in a moment; your sign-in is kept.", invocation.Call.RequestId));
        }
    }

    /// <summary>
    /// An oauth upstream that answers but whose tools no one has listed yet (it lists them only to a
    /// signed-in user): a call to any tool under its prefix gets the caller's own answer — the connect
    /// link, or, once connected, word that the tools are being listed.
    /// </summary>
    private UnavailableTool AwaitingSignIn(UpstreamDefinition upstream)
        => new(upstream.Name + GatewayToolNames.Separator + "*", CredentialOwner.Missing, $"Upstream '{upstream.Name}' lists its tools only to a signed-in user.",
            "Call any of its tools (e.g. " + upstream.Name + GatewayToolNames.Separator + "<tool>) to get your connect link.")
        {
            Answer = async (call, cancellationToken) =>
            {
                var owner = CredentialOwner.OAuth(upstream, call, links);
                var stored = await credentials.FindAsync(upstream.Name, owner.Kind, owner.Id, cancellationToken);
                return stored switch
                {
                    null => owner.MissingResult(upstream, call.RequestId),
                    { InvalidAt: { } invalidAt } => owner.InvalidResult(upstream, invalidAt, stored.InvalidReason, call.RequestId),
                    _ => ToolError.Result("UPSTREAM_UNAVAILABLE", $"You are connected to upstream '{upstream.Name}'; Portico is listing its tools now.",
                        "Call tools/list again in a few seconds (sessions also get notifications/tools/list_changed).", call.RequestId),
                };
            },
        };

    /// <summary>
    /// Whose pooled session a request of <paramref name="principal"/> rides, with the stored credential
    /// it carries, or why it cannot be made (<c>CREDENTIALS_MISSING</c> / <c>CREDENTIALS_INVALID</c>).
    /// Pooled per user, and per stored credential: an upstream session is never shared between users
    /// (one shared session leaks state — subscriptions, sampling requests — between clients), and a
    /// session never outlives the secret it was opened with.
    /// </summary>
    private async ValueTask<(string Identity, UpstreamCredential? Credential, CallToolResult? Refusal)> IdentityOfAsync(UpstreamDefinition upstream,
        McpCallContext call, TenantResolution tenant, CancellationToken cancellationToken)
    {
        var identity = "user:" + call.Principal.Id;
        var requestId = call.RequestId;
        if (!upstream.NeedsCredential)
        {
            return (identity, null, null);
        }

        var owner = CredentialOwner.For(upstream, call, tenant, links) ?? throw new InvalidOperationException($"Upstream '{upstream.Name}' was called without a tenant.");
        var credential = await credentials.FindAsync(upstream.Name, owner.Kind, owner.Id, cancellationToken);
        if (credential is null)
        {
            return (identity, null, owner.MissingResult(upstream, requestId));
        }

        return credential.InvalidAt is { } invalidAt
            ? (identity, null, owner.InvalidResult(upstream, invalidAt, credential.InvalidReason, requestId))
            : (PoolIdentity(call.Principal, credential), credential, null);
    }

    private static string PoolIdentity(Principal principal, UpstreamCredential credential)
        => "user:" + principal.Id + UpstreamClientPool.CredentialTag(credential.OwnerKind, credential.OwnerId) + credential.Stamp;

    private UpstreamConnection Connection(UpstreamDefinition upstream, string identity, UpstreamCredential? credential)
        => pool.Get(upstream, identity, credential is null ? null : upstream.CredentialHeaderFor(credential));

    private PromptDefinition BuildPrompt(UpstreamDefinition upstream, Prompt original)
    {
        var prompt = new Prompt
        {
            Name = GatewayToolNames.Build(upstream.Name, original.Name),
            Title = original.Title,
            Description = original.Description,
            Arguments = original.Arguments,
            Icons = original.Icons,
        };
        return new PromptDefinition(prompt, (request, cancellationToken) => SendAsync(upstream, RequestMethods.PromptsGet,
            new GetPromptRequestParams { Name = original.Name, Arguments = request.Params?.Arguments }, request.JsonRpcRequest, $"prompt '{prompt.Name}'",
            static (GetPromptResult _) => { }, cancellationToken));
    }

    private static Resource Namespaced(UpstreamDefinition upstream, Resource original) => new()
    {
        Uri = GatewayResourceUris.Build(upstream.Name, original.Uri),
        Name = original.Name,
        Title = original.Title,
        Description = original.Description,
        MimeType = original.MimeType,
        Annotations = original.Annotations,
        Size = original.Size,
        Icons = original.Icons,
    };

    private static ResourceTemplate Namespaced(UpstreamDefinition upstream, ResourceTemplate original) => new()
    {
        UriTemplate = GatewayResourceUris.Build(upstream.Name, original.UriTemplate),
        Name = original.Name,
        Title = original.Title,
        Description = original.Description,
        MimeType = original.MimeType,
        Annotations = original.Annotations,
        Icons = original.Icons,
    };

    private ValueTask<ReadResourceResult> ReadAsync(UpstreamDefinition upstream, string uri, RequestContext<ReadResourceRequestParams> request, CancellationToken cancellationToken)
        => SendAsync(upstream, RequestMethods.ResourcesRead, new ReadResourceRequestParams { Uri = uri }, request.JsonRpcRequest, $"resource '{request.Params?.Uri}'",
            (ReadResourceResult result) =>
            {
                // The contents name the URI the client asked for, so it can match them to its request.
                foreach (var contents in result.Contents)
                {
                    contents.Uri = GatewayResourceUris.Build(upstream.Name, contents.Uri);
                }
            }, cancellationToken);

    /// <summary>
    /// A prompts/get or resources/read forwarded on the caller's pooled session, with the same
    /// credential and timeout as a tool call; a refusal or failure is a JSON-RPC error with a hint.
    /// </summary>
    private async ValueTask<TResult> SendAsync<TParameters, TResult>(UpstreamDefinition upstream, string method, TParameters parameters, JsonRpcRequest request,
        string what, Action<TResult> adapt, CancellationToken cancellationToken)
        where TParameters : notnull
        where TResult : notnull
    {
        var call = McpCallContext.From(request);
        var tenant = new TenantResolution(null, null, []);
        if (upstream.CredentialMode == UpstreamDefinition.CredentialsTenant)
        {
            tenant = await tenants.ResolveAsync(call.Principal, null, call.UrlTenantId, call.Session?.ActiveTenantId, cancellationToken);
            if (!tenant.Succeeded)
            {
                throw new McpProtocolException($"{tenant.ErrorMessage} Upstream '{upstream.Name}' needs a tenant's credential for {what}. {tenant.Hint}", McpErrorCode.InvalidRequest);
            }
        }

        var (identity, credential, refusal) = await IdentityOfAsync(upstream, call, tenant, cancellationToken);
        if (refusal is not null)
        {
            throw new McpProtocolException(string.Join("\n", refusal.Content.OfType<TextContentBlock>().Select(b => b.Text)), McpErrorCode.InvalidRequest);
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(upstream.Timeout);
        try
        {
            var result = await Connection(upstream, identity, credential).RunAsync(
                (client, ct) => client.SendRequestAsync<TParameters, TResult>(method, parameters, McpJson.Options, cancellationToken: ct).AsTask(), deadline.Token);
            adapt(result);
            return result;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && deadline.IsCancellationRequested)
        {
            throw new McpProtocolException($"Upstream '{upstream.Name}' did not answer {what} within {upstream.Timeout.TotalSeconds:0.#} s. Retry later; /health/vendors shows its health.",
                McpErrorCode.InternalError);
        }
        catch (McpProtocolException ex)
        {
            throw new McpProtocolException($"Upstream '{upstream.Name}' refused {what}: {ex.Message}", ex.ErrorCode);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogCallFailed(logger, ex, upstream.Name, what);
            throw new McpProtocolException($"Upstream '{upstream.Name}' could not be reached for {what}: {ex.Message}. Retry in a moment; /health/vendors shows whether it is down.",
                McpErrorCode.InternalError);
        }
    }

    /// <summary>
    /// The upstream answered 401. A stored credential is marked invalid (every instance then refuses
    /// it without asking the upstream) and the caller is told to re-enter it; without one, the
    /// upstream's static configuration is at fault, which only an operator can fix.
    /// </summary>
    private async Task<CallToolResult> RefusedAsync(UpstreamDefinition upstream, string tool, string identity, UpstreamCredential? credential,
        UpstreamUnauthorizedException unauthorized, ToolInvocation invocation)
    {
        await pool.CloseAsync(upstream.Name, i => i == identity);
        if (credential is null)
        {
            return ToolError.Result("UPSTREAM_UNAUTHORIZED", $"Upstream '{upstream.Name}' refused Portico's request for '{tool}': {unauthorized.Message}",
                "The upstream takes no stored credentials here (credential mode 'none'); an operator must fix its static headers (portico upstreams add --header) "
                + "or re-add it with --credentials user or --credentials tenant.", invocation.Call.RequestId);
        }

        LogCredentialRefused(logger, upstream.Name, credential.OwnerKind, credential.OwnerId);
        await credentials.MarkInvalidAsync(credential, unauthorized.Message, CancellationToken.None);
        return CredentialOwner.Of(upstream, invocation, links).InvalidResult(upstream, time.GetUtcNow(), unauthorized.Message, invocation.Call.RequestId);
    }

    private static bool HasEnvelope(CallToolResult result)
        => result.StructuredContent is { ValueKind: JsonValueKind.Object } structured && structured.TryGetProperty("error", out var error)
            && error.ValueKind == JsonValueKind.Object && error.TryGetProperty("code", out _);

    /// <summary>An upstream tool error in Portico's envelope, keeping the upstream's own words.</summary>
    private static CallToolResult Wrap(UpstreamDefinition upstream, string tool, CallToolResult result, string requestId)
    {
        var text = string.Join("\n", result.Content.OfType<TextContentBlock>().Select(b => b.Text));
        var wrapped = ToolError.Result("UPSTREAM_TOOL_ERROR", $"Upstream '{upstream.Name}' reported an error from '{tool}': {(text.Length == 0 ? "(no message)" : text)}",
            "The message is the upstream's; fix the request accordingly or retry.", requestId);
        foreach (var block in result.Content.Where(b => b is not TextContentBlock))
        {
            wrapped.Content.Add(block);
        }

        return wrapped;
    }

    [LoggerMessage(EventId = 1210, Level = LogLevel.Information, Message = "Upstream {Upstream} is up ({LatencyMs} ms)")]
    private static partial void LogUp(ILogger logger, string upstream, long latencyMs);

    [LoggerMessage(EventId = 1211, Level = LogLevel.Warning, Message = "Upstream {Upstream} health check failed ({Failures} in a row): {Error}")]
    private static partial void LogCheckFailed(ILogger logger, string upstream, int failures, string error);

    [LoggerMessage(EventId = 1212, Level = LogLevel.Error, Message = "Upstream {Upstream} is down after {Failures} failed checks; its tools are unavailable")]
    private static partial void LogDown(ILogger logger, string upstream, int failures);

    [LoggerMessage(EventId = 1213, Level = LogLevel.Warning, Message = "Upstream {Upstream}: tool {Tool} has an input schema Portico cannot validate ({Reason}); it is not offered")]
    private static partial void LogSchemaUnsupported(ILogger logger, string upstream, string tool, string reason);

    [LoggerMessage(EventId = 1214, Level = LogLevel.Warning, Message = "Upstream {Upstream}: tool {Tool} maps to {Name}, which another of its tools already has; it is not offered")]
    private static partial void LogNameCollision(ILogger logger, string upstream, string tool, string name);

    [LoggerMessage(EventId = 1215, Level = LogLevel.Warning, Message = "Upstream {Upstream}: call to {Tool} failed")]
    private static partial void LogCallFailed(ILogger logger, Exception exception, string upstream, string tool);

    [LoggerMessage(EventId = 1216, Level = LogLevel.Warning, Message = "Upstream {Upstream} answered 401 to the stored {OwnerKind} credential of {OwnerId}; it is marked invalid")]
    private static partial void LogCredentialRefused(ILogger logger, string upstream, string ownerKind, string ownerId);
}

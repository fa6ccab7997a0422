using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Portico.Access;
using Portico.Catalog;
using Portico.Hosting;
using Portico.Mcp;
using Portico.Policy;

namespace Portico.Gateway;

/// <summary>
/// Forwards calls to upstreams, as the last step of the policy pipeline (tools) or of prompts/get and
/// resources/read: the caller's stored credential when the upstream needs one (OAuth tokens refreshed
/// when due), the caller's pooled session, the upstream's timeout, and its failures in Portico's
/// envelope or as JSON-RPC errors with a hint.
/// </summary>
internal sealed partial class UpstreamCalls(
    UpstreamClientPool pool,
    UpstreamCredentialCache credentials,
    TenantResolver tenants,
    UpstreamOAuth oauth,
    UpstreamOAuthLinks links,
    UpstreamInputRounds rounds,
    TimeProvider time,
    ILogger<UpstreamCalls> logger)
{
    /// <summary>
    /// The last step of a proxied call: the caller's stored credential when the upstream needs one,
    /// the pooled session of the caller (and that credential), the upstream's timeout, its errors in
    /// Portico's envelope. The revisions are bridged (docs/gateway.md, "Revision bridging"): a stateless caller's call
    /// runs in an input round, so what the upstream asks comes back as <c>input_required</c> and the retry continues it;
    /// a stateless upstream's own input-required result is passed through to a stateless caller with its state sealed
    /// inside Portico's, and resolved over the session of a caller that has one.
    /// </summary>
    public async ValueTask<CallToolResult> CallToolAsync(UpstreamDefinition upstream, string tool, ToolInvocation invocation, CancellationToken cancellationToken)
    {
        var state = invocation.Input.State;
        if (UpstreamInputRounds.RoundOf(state) is { } roundId)
        {
            return await rounds.ContinueAsync(roundId, invocation, cancellationToken);
        }

        // A retry of a stateless upstream's input-required result: its own state and the caller's answers go back to it.
        var retry = state is not null && state.ContainsKey(UpstreamConnection.UpstreamStateKey)
            ? new UpstreamRetry(new Dictionary<string, InputResponse>(invocation.Input.Responses, StringComparer.Ordinal), state[UpstreamConnection.UpstreamStateKey]?.GetValue<string>())
            : null;
        if (invocation.Call.Session is null)
        {
            // A stateless caller has no session to ask on: the call may have to outlive this request.
            return await rounds.StartAsync(upstream, VendorToolNames.Build(upstream.Name, tool), invocation,
                (round, token) => ForwardAsync(upstream, tool, invocation, round, retry, token).AsTask(), cancellationToken);
        }

        return await ForwardAsync(upstream, tool, invocation, null, retry, cancellationToken);
    }

    private async ValueTask<CallToolResult> ForwardAsync(UpstreamDefinition upstream, string tool, ToolInvocation invocation, UpstreamInputRound? round, UpstreamRetry? retry,
        CancellationToken cancellationToken)
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

            (credential, identity) = (fresh, UpstreamClientPool.CredentialIdentity(fresh));
        }

        var arguments = invocation.Request.Params?.Arguments;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // In a round the wait for the caller's answers is not the upstream's time; the round times each wait on the upstream.
        deadline.CancelAfter(round is null ? upstream.Timeout : Timeout.InfiniteTimeSpan);
        CallToolResult result;
        var refreshed = false;
        while (true)
        {
            try
            {
                using var lease = Rent(upstream, identity, credential);
                // The upstream's part of the trace: its HTTP requests (with traceparent) are this span's children.
                using var span = Telemetry.McpSpans.StartClient(ModelContextProtocol.Protocol.RequestMethods.ToolsCall, tool, upstream.Url);
                span?.SetTag("portico.upstream", upstream.Name);
                result = await lease.Connection.CallToolAsync(tool, arguments, invocation, round, retry, deadline.Token);
                if (result.IsError == true)
                {
                    Telemetry.McpSpans.RecordToolError(span, Telemetry.McpSpans.ToolError);
                }

                break;
            }
            catch (InputRequired)
            {
                throw;
            }
            catch (MissingRequiredClientCapabilityException)
            {
                // The upstream's input-required result asks what the caller cannot answer: the caller's error (-32021), said as such.
                throw;
            }
            catch (UpstreamBusyException ex)
            {
                return ToolError.Result(UpstreamBusyException.Code, ex.Message, UpstreamBusyException.Hint, invocation.Call.RequestId);
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

                (credential, identity) = (fresh, UpstreamClientPool.CredentialIdentity(fresh));
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
            catch (McpProtocolException ex) when ((int)ex.ErrorCode == JsonRpcErrorCodes.MissingRequiredClientCapability)
            {
                // Not the call's fault but the client's: it must declare what the upstream needs (a task-only tool: the tasks extension).
                throw UpstreamTaskRelay.MissingCapability(upstream, tool, ex);
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
    public UnavailableTool AwaitingSignIn(UpstreamDefinition upstream)
        => new(upstream.Name + VendorToolNames.Separator + "*", CredentialOwner.Missing, $"Upstream '{upstream.Name}' lists its tools only to a signed-in user.",
            "Call any of its tools (e.g. " + upstream.Name + VendorToolNames.Separator + "<tool>) to get your connect link.")
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
    /// Whose pooled session a request rides, with the stored credential it carries, or why it cannot be
    /// made (<c>CREDENTIALS_MISSING</c> / <c>CREDENTIALS_INVALID</c>). Pooled per credential actually sent:
    /// callers of an upstream without stored credentials share one session (what it sends about a call
    /// still reaches that call's caller only, see <see cref="UpstreamCallRelay"/>), a session carrying a
    /// stored secret is its owner's (or its tenant's) alone, and never outlives that secret.
    /// </summary>
    private async ValueTask<(string Identity, UpstreamCredential? Credential, CallToolResult? Refusal)> IdentityOfAsync(UpstreamDefinition upstream,
        McpCallContext call, TenantResolution tenant, CancellationToken cancellationToken)
    {
        var identity = UpstreamClientPool.SharedIdentity;
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
            : (UpstreamClientPool.CredentialIdentity(credential), credential, null);
    }

    private UpstreamLease Rent(UpstreamDefinition upstream, string identity, UpstreamCredential? credential)
        => pool.Rent(upstream, identity, credential is null ? null : upstream.CredentialHeaderFor(credential));

    /// <summary>prompts/get of an upstream prompt, under the name the upstream gives it.</summary>
    public ValueTask<GetPromptResult> GetPromptAsync(UpstreamDefinition upstream, string name, string shownName, RequestContext<GetPromptRequestParams> request, CancellationToken cancellationToken)
        => SendAsync(upstream, RequestMethods.PromptsGet, new GetPromptRequestParams { Name = name, Arguments = request.Params?.Arguments }, request.JsonRpcRequest,
            $"prompt '{shownName}'", static (GetPromptResult _) => { }, cancellationToken);

    public ValueTask<ReadResourceResult> ReadResourceAsync(UpstreamDefinition upstream, string uri, RequestContext<ReadResourceRequestParams> request, CancellationToken cancellationToken)
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
        var result = await RunAsync(upstream, request, what, newest: false,
            (client, ct) => client.SendRequestAsync<TParameters, TResult>(method, parameters, McpJson.Options, cancellationToken: ct).AsTask(), cancellationToken);
        adapt(result);
        return result;
    }

    /// <summary>
    /// Runs <paramref name="action"/> on the caller's pooled session of <paramref name="upstream"/> (same credential, tenant
    /// and timeout rules as <see cref="SendAsync"/>); a <paramref name="newest"/> session speaks the newest revision both
    /// sides know instead of the pinned one (the tasks relay, <see cref="UpstreamTaskRelay"/>). Failures are JSON-RPC errors with a hint.
    /// </summary>
    public async ValueTask<T> RunAsync<T>(UpstreamDefinition upstream, JsonRpcRequest request, string what, bool newest,
        Func<ModelContextProtocol.Client.McpClient, CancellationToken, Task<T>> action, CancellationToken cancellationToken)
    {
        // Names and URIs come from the caller, messages from the upstream; both end up in the SDK's log of this error.
        what = LogValue.Safe(what);
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
            using var lease = newest
                ? pool.Rent(upstream, identity + UpstreamTaskRelay.IdentitySuffix, credential is null ? null : upstream.CredentialHeaderFor(credential), newest: true)
                : Rent(upstream, identity, credential);
            return await lease.Connection.RunAsync(action, deadline.Token);
        }
        catch (UpstreamBusyException ex)
        {
            throw new McpProtocolException($"{ex.Message} {UpstreamBusyException.Hint}", McpErrorCode.InternalError);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && deadline.IsCancellationRequested)
        {
            throw new McpProtocolException($"Upstream '{upstream.Name}' did not answer {what} within {upstream.Timeout.TotalSeconds:0.#} s. Retry later; /health/vendors shows its health.",
                McpErrorCode.InternalError);
        }
        catch (McpProtocolException ex)
        {
            throw new McpProtocolException($"Upstream '{upstream.Name}' refused {what}: {LogValue.Safe(ex.Message)}", ex.ErrorCode);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogCallFailed(logger, ex, upstream.Name, what);
            throw new McpProtocolException($"Upstream '{upstream.Name}' could not be reached for {what}: {LogValue.Safe(ex.Message)}. Retry in a moment; /health/vendors shows whether it is down.",
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

    [LoggerMessage(EventId = 1215, Level = LogLevel.Warning, Message = "Upstream {Upstream}: call to {Tool} failed")]
    private static partial void LogCallFailed(ILogger logger, Exception exception, string upstream, LogValue tool);

    [LoggerMessage(EventId = 1216, Level = LogLevel.Warning, Message = "Upstream {Upstream} answered 401 to the stored {OwnerKind} credential of {OwnerId}; it is marked invalid")]
    private static partial void LogCredentialRefused(ILogger logger, string upstream, string ownerKind, string ownerId);
}

using ModelContextProtocol.Protocol;
using Portico.Access;

namespace Portico.Catalog;

/// <summary>
/// Who sent a JSON-RPC message over which HTTP request, carried with the message into the SDK
/// (in <see cref="JsonRpcMessageContext.Items"/>) so handlers see the caller of their own request.
/// </summary>
internal sealed class McpCallContext
{
    private const string ItemKey = "portico.call";

    public required string RequestId { get; init; }

    /// <summary>The session the message arrived in; null for stateless (2026-07-28) requests.</summary>
    public required ICallSession? Session { get; init; }

    public string? SessionId => Session?.Id;

    /// <summary>Whom the call acts as: the request's credential, or the user who signed the session in (see <c>Mcp.SessionAuthorizations</c>).</summary>
    public required Principal Principal { get; init; }

    /// <summary>This server's public base URL as the client reached it (the OAuth issuer), for links a tool hands out.</summary>
    public string? Issuer { get; init; }

    /// <summary>The MCP resource URL the request was sent to (what a token for it would be bound to).</summary>
    public string? Resource { get; init; }

    /// <summary>The tenant named by the URL (<c>/{tenantId}/mcp</c>), if any.</summary>
    public string? UrlTenantId { get; init; }

    /// <summary>The upstream named by the URL (<c>/vendors/{name}/mcp</c>): only its tools are served, under their own names.</summary>
    public string? Vendor { get; init; }

    /// <summary>The toolset named by the URL (<c>/toolsets/{name}/mcp</c>): only its tools are served, under its overrides.</summary>
    public ToolsetView? Toolset { get; init; }

    /// <summary>
    /// Fires when the client cancels this request (notifications/cancelled). The pipeline links it with the SDK's token:
    /// a cancellation that arrives before the SDK has registered the request is otherwise ignored by the SDK, and the
    /// tool would run on to its timeout after its POST already ended.
    /// </summary>
    public CancellationToken ClientCancelled { get; set; }

    /// <summary>
    /// The client's answers and the handler's own state for this round of an input-required exchange (see
    /// <see cref="InputRequired"/>), opened by whoever runs the handler (<c>Policy.InputRounds</c>); empty until then.
    /// </summary>
    public ClientInput Input { get; set; } = new(null);

    /// <summary>The task this call runs as (the tasks extension), or null for a call answered in its own response.</summary>
    public string? TaskId { get; private set; }

    /// <summary>Where a tool running as a task reports its progress; null for a call answered in its own response.</summary>
    public ITaskProgress? TaskProgress { get; private set; }

    /// <summary>
    /// The same caller and call, running as task <paramref name="taskId"/>: detached from the request that created it
    /// (whose end or cancellation no longer concerns the call; the task is cancelled with <c>tasks/cancel</c>).
    /// A copy of every property, so what the context carries reaches the task whole.
    /// </summary>
    public McpCallContext ForTask(string taskId, ITaskProgress progress)
    {
        var task = (McpCallContext)MemberwiseClone();
        task.TaskId = taskId;
        task.TaskProgress = progress;
        task.ClientCancelled = CancellationToken.None;
        return task;
    }

    public static McpCallContext For(HttpContext context, ICallSession? session, Principal principal, Identity.IdentityUrls urls) => new()
    {
        RequestId = context.TraceIdentifier,
        Session = session,
        Principal = principal,
        // A tenant's toolset serves that tenant, as /{tenantId}/mcp would (its endpoint let only the tenant's members in).
        UrlTenantId = context.Request.RouteValues["tenantId"] as string ?? context.Features.Get<ToolsetView>()?.TenantId,
        Vendor = context.Request.RouteValues["vendor"] as string,
        Toolset = context.Features.Get<ToolsetView>(),
        Issuer = urls.Issuer(context.Request),
        Resource = urls.Resource(context.Request, context.Request.Path),
    };

    public void AttachTo(JsonRpcMessage message)
    {
        var context = message.Context ??= new JsonRpcMessageContext();
        context.Items ??= new Dictionary<string, object?>(1);
        context.Items[ItemKey] = this;
    }

    public static McpCallContext From(JsonRpcRequest request)
        => request.Context?.Items is { } items && items.TryGetValue(ItemKey, out var value) && value is McpCallContext call
            ? call
            : throw new InvalidOperationException("The request reached a handler without a Portico call context.");
}

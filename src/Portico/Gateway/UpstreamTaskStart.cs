using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using Portico.Catalog;

namespace Portico.Gateway;

/// <summary>
/// Marks a <c>tools/call</c> whose client holds tasks (it declared the extension): the upstream tool's handler hands the
/// call to <see cref="UpstreamTaskRelay"/>, which asks the upstream with the extension declared and keeps the task the
/// upstream created here, for the relay to store and answer as Portico's own once the policy pipeline is done.
/// </summary>
internal sealed class UpstreamTaskStart(UpstreamTaskRelay relay)
{
    private const string ItemKey = "io.portico/upstream-task-start";

    /// <summary>The upstream's created task (its <c>CreateTaskResult</c>), once it made one.</summary>
    public JsonObject? Created { get; set; }

    public UpstreamDefinition? Upstream { get; set; }

    public void AttachTo(JsonRpcRequest request)
    {
        var context = request.Context ??= new JsonRpcMessageContext();
        context.Items ??= new Dictionary<string, object?>(1);
        context.Items[ItemKey] = this;
    }

    public static UpstreamTaskStart? Of(ToolInvocation invocation)
        => invocation.Request.JsonRpcRequest.Context?.Items is { } items && items.TryGetValue(ItemKey, out var value) ? value as UpstreamTaskStart : null;

    /// <summary>Calls <paramref name="tool"/> of <paramref name="upstream"/> as a possible task; <paramref name="plain"/> is the usual call, for an upstream without tasks.</summary>
    public ValueTask<CallToolResult> CallAsync(UpstreamDefinition upstream, string tool, ToolInvocation invocation, Func<ValueTask<CallToolResult>> plain,
        CancellationToken cancellationToken)
        => relay.StartAsync(this, upstream, tool, invocation, plain, cancellationToken);
}

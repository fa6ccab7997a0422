using System.Text.Json;
using ModelContextProtocol.Protocol;
using Portico.Catalog;
using Portico.Policy;

namespace Portico.Tests.TestSupport;

/// <summary>A dynamic tool source tests switch by hand, standing in for an upstream that goes down and comes back.</summary>
internal sealed class FakeToolSource : IDynamicToolSource
{
    private static readonly JsonElement Schema = JsonDocument.Parse("""{"type":"object","properties":{"n":{"type":"integer"}}}""").RootElement;

    private volatile bool _up = true;

    public IReadOnlyList<ToolDefinition> Tools => _up
        ?
        [
            new ToolDefinition
            {
                Tool = new Tool { Name = "fake__echo", Description = "an upstream tool", InputSchema = Schema },
                Handler = (invocation, _) => ValueTask.FromResult(new CallToolResult { Content = [new TextContentBlock { Text = "echo" }] }),
                Owner = "fake",
            },
        ]
        : [];

    public IReadOnlyList<UnavailableTool> Unavailable => _up
        ? []
        : [new UnavailableTool("fake__echo", "UPSTREAM_UNAVAILABLE", "Upstream 'fake' is down.", "Retry later; /health/vendors shows its state.")];

    public event Action? Changed;

    public void SetUp(bool up)
    {
        _up = up;
        Changed?.Invoke();
    }
}

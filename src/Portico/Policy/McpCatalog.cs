using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Portico.Policy;

/// <summary>Everything the endpoint serves, looked up by name. Immutable once built.</summary>
internal sealed class McpCatalog(
    IReadOnlyDictionary<string, ToolDefinition> tools,
    IReadOnlyDictionary<string, ResourceDefinition> resources,
    IReadOnlyList<ResourceTemplateDefinition> templates,
    IReadOnlyDictionary<string, PromptDefinition> prompts,
    IReadOnlyDictionary<(string Type, string Name), Func<RequestContext<CompleteRequestParams>, CancellationToken, ValueTask<CompleteResult>>> completions)
{
    private readonly ToolDefinition[] _toolList = [.. tools.Values.OrderBy(t => t.Name, StringComparer.Ordinal)];

    public IReadOnlyList<ToolDefinition> Tools => _toolList;

    public IReadOnlyDictionary<string, ResourceDefinition> Resources { get; } = resources;

    public IReadOnlyList<ResourceTemplateDefinition> Templates { get; } = templates;

    public IReadOnlyDictionary<string, PromptDefinition> Prompts { get; } = prompts;

    public bool TryGetTool(string name, out ToolDefinition tool) => tools.TryGetValue(name, out tool!);

    public Func<RequestContext<CompleteRequestParams>, CancellationToken, ValueTask<CompleteResult>>? FindCompletion(string type, string name)
        => completions.TryGetValue((type, name), out var complete) ? complete : null;

    public static McpCatalog Build(IEnumerable<IMcpPack> packs)
    {
        var builder = new CatalogBuilder();
        foreach (var pack in packs)
        {
            builder.CurrentOwner = pack.Name;
            pack.Register(builder);
        }

        return builder.Build();
    }
}

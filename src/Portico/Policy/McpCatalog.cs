using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Portico.Policy.Schema;

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

    // Compiled once, here: a tool whose schema uses keywords the validator lacks fails start-up, loudly.
    private readonly Dictionary<string, CompiledSchema> _inputSchemas = CompileInputSchemas(tools.Values);

    public IReadOnlyList<ToolDefinition> Tools => _toolList;

    public IReadOnlyDictionary<string, ResourceDefinition> Resources { get; } = resources;

    public IReadOnlyList<ResourceTemplateDefinition> Templates { get; } = templates;

    public IReadOnlyDictionary<string, PromptDefinition> Prompts { get; } = prompts;

    public bool TryGetTool(string name, out ToolDefinition tool) => tools.TryGetValue(name, out tool!);

    /// <summary>The compiled input schema of a catalog tool.</summary>
    public CompiledSchema InputSchemaOf(ToolDefinition tool) => _inputSchemas[tool.Name];

    public Func<RequestContext<CompleteRequestParams>, CancellationToken, ValueTask<CompleteResult>>? FindCompletion(string type, string name)
        => completions.TryGetValue((type, name), out var complete) ? complete : null;

    private static Dictionary<string, CompiledSchema> CompileInputSchemas(IEnumerable<ToolDefinition> tools)
    {
        var compiled = new Dictionary<string, CompiledSchema>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var tool in tools)
        {
            try
            {
                compiled[tool.Name] = JsonSchemaCompiler.Compile(tool.Tool.InputSchema);
            }
            catch (UnsupportedSchemaException ex)
            {
                problems.Add($"tool '{tool.Name}' ({tool.Owner}): {ex.Message}");
            }
        }

        return problems.Count == 0
            ? compiled
            : throw new InvalidOperationException("Some tools' input schemas cannot be validated: " + string.Join("; ", problems));
    }

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

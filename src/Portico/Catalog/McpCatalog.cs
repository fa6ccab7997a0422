using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Portico.Schema;

namespace Portico.Catalog;

/// <summary>
/// Everything the endpoint serves, looked up by name: the native packs' registrations (fixed at
/// start-up) plus the tools of dynamic sources such as upstream servers (merged on every change).
/// </summary>
internal sealed class McpCatalog(
    IReadOnlyDictionary<string, ToolDefinition> tools,
    IReadOnlyDictionary<string, ResourceDefinition> resources,
    IReadOnlyList<ResourceTemplateDefinition> templates,
    IReadOnlyDictionary<string, PromptDefinition> prompts,
    IReadOnlyDictionary<(string Type, string Name), Func<RequestContext<CompleteRequestParams>, CancellationToken, ValueTask<CompleteResult>>> completions)
{
    private readonly ToolDefinition[] _nativeTools = [.. tools.Values.OrderBy(t => t.Name, StringComparer.Ordinal)];
    private readonly List<IDynamicToolSource> _sources = [];
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<ToolDefinition, CompiledSchema> _dynamicSchemas = [];
    private volatile Snapshot? _merged;

    // Compiled once, here: a tool whose schema uses keywords the validator lacks fails start-up, loudly.
    private readonly Dictionary<string, CompiledSchema> _inputSchemas = CompileInputSchemas(tools.Values);

    /// <summary>Raised when a dynamic source's tools changed (sessions should get list_changed).</summary>
    public event Action? Changed;

    /// <summary>Raised when the dynamic sources' prompts changed (sessions get prompts/list_changed).</summary>
    public event Action? PromptsChanged;

    /// <summary>Raised when the dynamic sources' resources or templates changed (sessions get resources/list_changed).</summary>
    public event Action? ResourcesChanged;

    public IReadOnlyList<ToolDefinition> Tools => _merged?.List ?? _nativeTools;

    public IReadOnlyDictionary<string, ResourceDefinition> Resources { get; } = resources;

    public IReadOnlyList<ResourceTemplateDefinition> Templates { get; } = templates;

    public IReadOnlyDictionary<string, PromptDefinition> Prompts { get; } = prompts;

    /// <summary>The tools of one upstream, as <c>/vendors/{vendor}/mcp</c> serves them (under the upstream's own names).</summary>
    public IEnumerable<ToolDefinition> VendorTools(string vendor)
        => _merged is { } merged && merged.ByVendor.TryGetValue(vendor, out var byName) ? byName.Values.OrderBy(t => t.UpstreamTool!.Name, StringComparer.Ordinal) : [];

    /// <summary>Finds an upstream's tool by the name the upstream gives it.</summary>
    public bool TryGetVendorTool(string vendor, string name, out ToolDefinition tool)
    {
        tool = null!;
        return _merged is { } merged && merged.ByVendor.TryGetValue(vendor, out var byName) && byName.TryGetValue(name, out tool!);
    }

    /// <summary>Native prompts, then those of dynamic sources.</summary>
    public IEnumerable<Prompt> ListPrompts()
        => Prompts.Values.Select(p => p.Prompt).Concat(_merged is { } merged ? merged.Prompts.Values.Select(p => p.Prompt) : []);

    public bool TryGetPrompt(string name, out PromptDefinition prompt)
        => Prompts.TryGetValue(name, out prompt!) || (_merged is { } merged && merged.Prompts.TryGetValue(name, out prompt!));

    /// <summary>Native resources, then those of dynamic sources.</summary>
    public IEnumerable<Resource> ListResources()
        => Resources.Values.Select(r => r.Resource).Concat(_merged?.Resources ?? []);

    public IEnumerable<ResourceTemplate> ListTemplates()
        => Templates.Select(t => t.Template).Concat(_merged?.Templates ?? []);

    /// <summary>The dynamic source that reads <paramref name="uri"/>, if any (native resources are looked up first, by the caller).</summary>
    public Func<RequestContext<ReadResourceRequestParams>, CancellationToken, ValueTask<ReadResourceResult>>? DynamicReaderFor(string uri)
    {
        IDynamicToolSource[] sources;
        lock (_sources)
        {
            sources = [.. _sources];
        }

        return sources.Select(s => s.ReaderFor(uri)).FirstOrDefault(r => r is not null);
    }

    public bool TryGetTool(string name, out ToolDefinition tool)
        => tools.TryGetValue(name, out tool!) || (_merged is { } merged && merged.ByName.TryGetValue(name, out tool!));

    /// <summary>
    /// The compiled input schema of a catalog tool. Dynamic tools bring theirs or are compiled on
    /// first use; an unsupported schema throws <see cref="UnsupportedSchemaException"/> (never ignored).
    /// </summary>
    public CompiledSchema InputSchemaOf(ToolDefinition tool)
        => tool.InputValidator
            ?? (_inputSchemas.TryGetValue(tool.Name, out var native) ? native : _dynamicSchemas.GetValue(tool, t => JsonSchemaCompiler.Compile(t.Tool.InputSchema)));

    /// <summary>Known tools that cannot be called now, across all dynamic sources.</summary>
    public IEnumerable<UnavailableTool> Unavailable
    {
        get
        {
            lock (_sources)
            {
                return [.. _sources.SelectMany(s => s.Unavailable)];
            }
        }
    }

    /// <summary>Adds a source of run-time tools (done once, at start-up).</summary>
    public void AddSource(IDynamicToolSource source)
    {
        lock (_sources)
        {
            _sources.Add(source);
        }

        source.Changed += Rebuild;
        Rebuild();
    }

    private void Rebuild()
    {
        IDynamicToolSource[] sources;
        lock (_sources)
        {
            sources = [.. _sources];
        }

        var byName = new Dictionary<string, ToolDefinition>(StringComparer.Ordinal);
        foreach (var tool in sources.SelectMany(s => s.Tools))
        {
            // A native tool's name always wins; a source must prefix its tools so this never happens.
            if (!tools.ContainsKey(tool.Name))
            {
                byName.TryAdd(tool.Name, tool);
            }
        }

        var byVendor = new Dictionary<string, Dictionary<string, ToolDefinition>>(StringComparer.Ordinal);
        foreach (var tool in byName.Values.Where(t => t.UpstreamTool is not null))
        {
            if (!byVendor.TryGetValue(tool.Owner, out var vendorTools))
            {
                byVendor[tool.Owner] = vendorTools = new Dictionary<string, ToolDefinition>(StringComparer.Ordinal);
            }

            vendorTools.TryAdd(tool.UpstreamTool!.Name, tool);
        }

        var prompts = new Dictionary<string, PromptDefinition>(StringComparer.Ordinal);
        foreach (var prompt in sources.SelectMany(s => s.Prompts).Where(p => !Prompts.ContainsKey(p.Prompt.Name)))
        {
            prompts.TryAdd(prompt.Prompt.Name, prompt);
        }

        var previous = _merged;
        var merged = new Snapshot([.. _nativeTools.Concat(byName.Values).OrderBy(t => t.Name, StringComparer.Ordinal)], byName, byVendor, prompts,
            [.. sources.SelectMany(s => s.Resources).Where(r => !Resources.ContainsKey(r.Uri))], [.. sources.SelectMany(s => s.Templates)]);
        _merged = merged;
        Changed?.Invoke();
        if (previous is not null && previous.PromptsKey != merged.PromptsKey)
        {
            PromptsChanged?.Invoke();
        }

        if (previous is not null && previous.ResourcesKey != merged.ResourcesKey)
        {
            ResourcesChanged?.Invoke();
        }
    }

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

    private sealed record Snapshot(ToolDefinition[] List, Dictionary<string, ToolDefinition> ByName, Dictionary<string, Dictionary<string, ToolDefinition>> ByVendor,
        Dictionary<string, PromptDefinition> Prompts, Resource[] Resources, ResourceTemplate[] Templates)
    {
        /// <summary>What clients see of the prompts: their names (a change here is worth a prompts/list_changed).</summary>
        public string PromptsKey { get; } = string.Join('\n', Prompts.Keys.Order(StringComparer.Ordinal));

        /// <summary>What clients see of the resources: their URIs and the templates.</summary>
        public string ResourcesKey { get; } = string.Join('\n', Resources.Select(r => r.Uri).Concat(Templates.Select(t => t.UriTemplate)).Order(StringComparer.Ordinal));
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

using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Portico.Catalog;

/// <summary>Collects what packs register and checks it once, at start-up.</summary>
internal sealed class CatalogBuilder
{
    private readonly Dictionary<string, ToolDefinition> _tools = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ResourceDefinition> _resources = new(StringComparer.Ordinal);
    private readonly List<ResourceTemplateDefinition> _templates = [];
    private readonly Dictionary<string, PromptDefinition> _prompts = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Type, string Name), Func<RequestContext<CompleteRequestParams>, CancellationToken, ValueTask<CompleteResult>>> _completions = [];

    public string CurrentOwner { get; set; } = "portico";

    public CatalogBuilder AddTool(ToolDefinition tool)
    {
        ToolNames.Validate(tool.Name);
        if (!_tools.TryAdd(tool.Name, tool))
        {
            throw new InvalidOperationException($"Tool '{tool.Name}' is registered twice (by '{_tools[tool.Name].Owner}' and '{tool.Owner}').");
        }

        return this;
    }

    public CatalogBuilder AddTool(Tool tool, ToolHandler handler, string? requiredScope = null, bool write = false)
        => AddTool(new ToolDefinition { Tool = tool, Handler = handler, Owner = CurrentOwner, RequiredScope = requiredScope, Write = write });

    public CatalogBuilder AddResource(Resource resource, Func<RequestContext<ReadResourceRequestParams>, CancellationToken, ValueTask<ReadResourceResult>> read)
    {
        if (!_resources.TryAdd(resource.Uri, new ResourceDefinition(resource, read)))
        {
            throw new InvalidOperationException($"Resource '{resource.Uri}' is registered twice.");
        }

        return this;
    }

    public CatalogBuilder AddResourceTemplate(ResourceTemplate template,
        Func<RequestContext<ReadResourceRequestParams>, IReadOnlyDictionary<string, string>, CancellationToken, ValueTask<ReadResourceResult>> read)
    {
        _templates.Add(new ResourceTemplateDefinition(template, read));
        return this;
    }

    public CatalogBuilder AddPrompt(Prompt prompt, Func<RequestContext<GetPromptRequestParams>, CancellationToken, ValueTask<GetPromptResult>> get)
    {
        if (!_prompts.TryAdd(prompt.Name, new PromptDefinition(prompt, get)))
        {
            throw new InvalidOperationException($"Prompt '{prompt.Name}' is registered twice.");
        }

        return this;
    }

    /// <summary>Completes arguments of a prompt (<c>ref/prompt</c>) or a resource template (<c>ref/resource</c>).</summary>
    public CatalogBuilder AddCompletion(string referenceType, string referenceName,
        Func<RequestContext<CompleteRequestParams>, CancellationToken, ValueTask<CompleteResult>> complete)
    {
        _completions[(referenceType, referenceName)] = complete;
        return this;
    }

    public McpCatalog Build() => new(_tools, _resources, _templates, _prompts, _completions);
}

using System.Reflection;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Portico.Access;
using Portico.Catalog;
using Portico.Hosting;
using Portico.Policy;

namespace Portico.Mcp;

/// <summary>Creates the SDK server of a session (or of one stateless request), wired to the catalog.</summary>
internal sealed class McpServerFactory(McpCatalog catalog, ToolCallPipeline pipeline, SessionContextBuilder sessionContexts, Tasks.TaskServer tasks, ILoggerFactory loggerFactory,
    IServiceProvider services)
{
    public static readonly Implementation ServerInfo = new()
    {
        Name = "portico",
        Title = "Portico",
        Version = typeof(McpServerFactory).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0",
    };

    public ILoggerFactory LoggerFactory { get; } = loggerFactory;

    public McpServer Create(StreamableHttpServerTransport transport) => Create(transport, null);

    /// <param name="outgoing">A filter of the messages the server sends (a session notes the requests it asks the client).</param>
    public McpServer Create(StreamableHttpServerTransport transport, McpMessageFilter? outgoing)
    {
        var options = CreateOptions();
        tasks.Configure(options);
        if (outgoing is not null)
        {
            options.Filters.Message.OutgoingFilters.Add(outgoing);
        }

        return McpServer.Create(transport, options, LoggerFactory, services);
    }

    private McpServerOptions CreateOptions() => new()
    {
        ServerInfo = ServerInfo,
        // Client mistakes in params are -32602 with what is wrong, not the SDK's -32603 "An error occurred.".
        Filters = { Message = { IncomingFilters = { McpParamsCheck.Filter } } },
        ServerInstructions = "Portico serves native tools and upstream MCP servers behind one endpoint. Call list_available_tools to see what you may use.",
        Capabilities = new ServerCapabilities
        {
            Tools = new ToolsCapability { ListChanged = true },
            Resources = new ResourcesCapability { Subscribe = true, ListChanged = true },
            Prompts = new PromptsCapability { ListChanged = true },
            Completions = new CompletionsCapability(),
        },
        Handlers = new McpServerHandlers
        {
            ListToolsHandler = pipeline.ListAsync,
            CallToolHandler = pipeline.InvokeAsync,
            ListResourcesHandler = (request, _) => ValueTask.FromResult(new ListResourcesResult { Resources = [.. catalog.ListResources()] }),
            ListResourceTemplatesHandler = (request, _) => ValueTask.FromResult(new ListResourceTemplatesResult { ResourceTemplates = [.. catalog.ListTemplates()] }),
            ReadResourceHandler = ReadResourceAsync,
            SubscribeToResourcesHandler = (request, _) => ValueTask.FromResult(new EmptyResult()),
            UnsubscribeFromResourcesHandler = (request, _) => ValueTask.FromResult(new EmptyResult()),
            ListPromptsHandler = (request, _) => ValueTask.FromResult(new ListPromptsResult { Prompts = [.. catalog.ListPrompts()] }),
            GetPromptHandler = GetPromptAsync,
            CompleteHandler = CompleteAsync,
        },
#pragma warning disable MCPEXP002 // Custom methods are experimental in the SDK; session/get is Portico's own, documented method.
        RequestHandlers =
        [
            new McpServerRequestHandler
            {
                Method = "session/get",
                Handler = async (request, cancellationToken) => await sessionContexts.BuildAsync(McpCallContext.From(request.JsonRpcRequest), cancellationToken),
            },
        ],
#pragma warning restore MCPEXP002
    };

    private ValueTask<ReadResourceResult> ReadResourceAsync(RequestContext<ReadResourceRequestParams> request, CancellationToken cancellationToken)
    {
        var uri = request.Params?.Uri ?? throw new McpProtocolException("resources/read needs a 'uri'.", McpErrorCode.InvalidParams);
        if (catalog.Resources.TryGetValue(uri, out var resource))
        {
            return resource.Read(request, cancellationToken);
        }

        foreach (var template in catalog.Templates)
        {
            if (template.TryMatch(uri, out var variables))
            {
                return template.Read(request, variables, cancellationToken);
            }
        }

        if (catalog.DynamicReaderFor(uri) is { } read)
        {
            return read(request, cancellationToken);
        }

        throw new McpProtocolException($"Resource not found: '{LogValue.Safe(uri)}'. Call resources/list or resources/templates/list for what exists.", McpErrorCode.ResourceNotFound);
    }

    private ValueTask<GetPromptResult> GetPromptAsync(RequestContext<GetPromptRequestParams> request, CancellationToken cancellationToken)
    {
        var name = request.Params?.Name ?? throw new McpProtocolException("prompts/get needs a 'name'.", McpErrorCode.InvalidParams);
        return catalog.TryGetPrompt(name, out var prompt)
            ? prompt.Get(request, cancellationToken)
            : throw new McpProtocolException($"Unknown prompt: '{LogValue.Safe(name)}'. Call prompts/list for the prompts this server has.", McpErrorCode.InvalidParams);
    }

    private ValueTask<CompleteResult> CompleteAsync(RequestContext<CompleteRequestParams> request, CancellationToken cancellationToken)
    {
        var complete = request.Params?.Ref switch
        {
            PromptReference prompt => catalog.FindCompletion(prompt.Type, prompt.Name),
            ResourceTemplateReference resource when resource.Uri is not null => catalog.FindCompletion(resource.Type, resource.Uri),
            _ => null,
        };
        return complete is null
            ? ValueTask.FromResult(new CompleteResult { Completion = new Completion { Values = [] } })
            : complete(request, cancellationToken);
    }
}

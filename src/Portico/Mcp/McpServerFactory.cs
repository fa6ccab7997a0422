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
internal sealed class McpServerFactory(McpCatalog catalog, ToolCallPipeline pipeline, InputRounds rounds, SessionContextBuilder sessionContexts, Tasks.TaskServer tasks, ILoggerFactory loggerFactory,
    IServiceProvider services)
{
    public static readonly Implementation ServerInfo = new()
    {
        Name = "portico",
        Title = "Portico",
        Version = typeof(McpServerFactory).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0",
    };

    /// <summary>What the SDK's servers and transports log through: a client's mistake is not logged as a server fault.</summary>
    public ILoggerFactory LoggerFactory { get; } = new ClientErrorLogs(loggerFactory);

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
        // Errors the SDK answers itself still carry their error.type on the message's span and duration.
        Filters = { Message = { IncomingFilters = { McpParamsCheck.Filter }, OutgoingFilters = { McpErrorTelemetry.Filter } } },
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

    private async ValueTask<ReadResourceResult> ReadResourceAsync(RequestContext<ReadResourceRequestParams> request, CancellationToken cancellationToken)
    {
        var uri = request.Params?.Uri ?? throw new McpProtocolException("resources/read needs a 'uri'.", McpErrorCode.InvalidParams);
        var read = FindReader(uri) ?? throw ResourceNotFound(request, uri);

        // A resource may ask the client for input as a tool does; its rounds are bound to the URI.
        var call = McpCallContext.From(request.JsonRpcRequest);
        var none = ToolArguments.ToDocument(null);
        call.Input = rounds.Open(call, RequestMethods.ResourcesRead, uri, none, request.Params, request.Server.ClientCapabilities);
        try
        {
            return await read(request, cancellationToken);
        }
        catch (InputRequired asked)
        {
            throw rounds.Seal(call, RequestMethods.ResourcesRead, uri, none, asked, request.Server.ClientCapabilities);
        }
    }

    /// <summary>SEP-2164: from 2026-07-28 an unknown URI is Invalid params naming the URI in data; sessions of earlier revisions keep -32002.</summary>
    internal static McpProtocolException ResourceNotFound(RequestContext<ReadResourceRequestParams> request, string uri)
    {
        var notFound = new McpProtocolException($"Resource not found: '{LogValue.Safe(uri)}'. Call resources/list or resources/templates/list for what exists.",
            McpProtocol.IsStateless(request.Server.NegotiatedProtocolVersion) ? McpErrorCode.InvalidParams : McpErrorCode.ResourceNotFound);
        notFound.Data["uri"] = uri;
        return notFound;
    }

    private Func<RequestContext<ReadResourceRequestParams>, CancellationToken, ValueTask<ReadResourceResult>>? FindReader(string uri)
    {
        if (catalog.Resources.TryGetValue(uri, out var resource))
        {
            return resource.Read;
        }

        foreach (var template in catalog.Templates)
        {
            if (template.TryMatch(uri, out var variables))
            {
                return (request, cancellationToken) => template.Read(request, variables, cancellationToken);
            }
        }

        return catalog.DynamicReaderFor(uri);
    }

    private async ValueTask<GetPromptResult> GetPromptAsync(RequestContext<GetPromptRequestParams> request, CancellationToken cancellationToken)
    {
        var name = request.Params?.Name ?? throw new McpProtocolException("prompts/get needs a 'name'.", McpErrorCode.InvalidParams);
        if (!catalog.TryGetPrompt(name, out var prompt))
        {
            throw new McpProtocolException($"Unknown prompt: '{LogValue.Safe(name)}'. Call prompts/list for the prompts this server has.", McpErrorCode.InvalidParams);
        }

        // A prompt may ask the client for input as a tool does (InputRequired), in rounds opened and sealed the same way.
        var call = McpCallContext.From(request.JsonRpcRequest);
        var arguments = ToolArguments.ToDocument(request.Params.Arguments);
        call.Input = rounds.Open(call, RequestMethods.PromptsGet, name, arguments, request.Params, request.Server.ClientCapabilities);
        try
        {
            return await prompt.Get(request, cancellationToken);
        }
        catch (InputRequired asked)
        {
            throw rounds.Seal(call, RequestMethods.PromptsGet, name, arguments, asked, request.Server.ClientCapabilities);
        }
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

using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Portico.Gateway;

/// <summary>Opens an MCP client session to an upstream over its transport.</summary>
internal static class UpstreamConnector
{
    /// <summary>
    /// The revision Portico speaks to upstreams. Pinned so the client does not first probe with a
    /// newer revision that most servers answer with an error (a wasted round trip on every connect).
    /// </summary>
    public const string ProtocolVersion = "2025-11-25";

    /// <summary>
    /// Connects as <paramref name="credential"/> (a header carrying a stored secret) when given. Over
    /// HTTP an answer 401 surfaces as <see cref="UpstreamUnauthorizedException"/>.
    /// </summary>
    public static async Task<UpstreamSession> ConnectAsync(UpstreamDefinition upstream, KeyValuePair<string, string>? credential, McpClientHandlers? handlers,
        ILoggerFactory? loggers, CancellationToken cancellationToken)
    {
        var headers = new Dictionary<string, string>(upstream.Headers);
        if (credential is { } header)
        {
            headers[header.Key] = header.Value;
        }

        IClientTransport transport = upstream.Transport == UpstreamDefinition.Http
            ? new HttpClientTransport(new HttpClientTransportOptions
            {
                Endpoint = upstream.Url!,
                Name = upstream.Name,
                TransportMode = HttpTransportMode.StreamableHttp,
                AdditionalHeaders = headers,
            }, new HttpClient(new UnauthorizedDetector()) { Timeout = Timeout.InfiniteTimeSpan }, loggers, ownsHttpClient: true)
            : new StdioClientTransport(new StdioClientTransportOptions
            {
                Command = upstream.Command!,
                Name = upstream.Name,
                Arguments = [.. upstream.Args],
                EnvironmentVariables = upstream.Env.ToDictionary(e => e.Key, e => (string?)e.Value),
                WorkingDirectory = upstream.WorkingDirectory,
            }, loggers);
        var options = new McpClientOptions
        {
            ClientInfo = new Implementation { Name = "portico-gateway", Version = typeof(UpstreamConnector).Assembly.GetName().Version?.ToString(3) ?? "0" },
            ProtocolVersion = ProtocolVersion,
            InitializationTimeout = upstream.Timeout,
        };
        if (handlers is not null)
        {
            options.Handlers = handlers;
        }

        try
        {
            return new UpstreamSession(await McpClient.CreateAsync(transport, options, loggers, cancellationToken), transport as IAsyncDisposable);
        }
        catch
        {
            if (transport is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
            throw;
        }
    }
}

using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Portico.Security;

namespace Portico.Gateway;

/// <summary>Opens an MCP client session to an upstream over its transport.</summary>
internal static class UpstreamConnector
{
    /// <summary>What a stdio upstream's process may see of the server's environment, beside the variables configured for it.</summary>
    private static readonly string[] PassedThrough = ["LANG", "LC_ALL", "TMPDIR"];

    /// <summary>
    /// A minimal environment: PATH, HOME and the few variables most programs need to start (the SDK's
    /// curated set, as the TypeScript and Python SDKs pass), the locale and temp directory, then the
    /// variables configured for this upstream.
    /// </summary>
    public static Dictionary<string, string?> ChildEnvironment(UpstreamDefinition upstream)
    {
        var environment = StdioClientTransportOptions.GetDefaultEnvironmentVariables();
        foreach (var name in PassedThrough)
        {
            if (Environment.GetEnvironmentVariable(name) is { } value)
            {
                environment[name] = value;
            }
        }

        foreach (var (name, value) in upstream.Env)
        {
            environment[name] = value;
        }

        return environment;
    }

    /// <summary>
    /// Connects as <paramref name="credential"/> (a header carrying a stored secret) when given. Over
    /// HTTP an answer 401 surfaces as <see cref="UpstreamUnauthorizedException"/>, and the connection is
    /// made under <paramref name="policy"/> (which addresses and schemes the upstream's URL may use). With
    /// <paramref name="newest"/> the revision is not pinned: the newest both sides speak (see <see cref="UpstreamTaskRelay"/>).
    /// </summary>
    public static async Task<UpstreamSession> ConnectAsync(UpstreamDefinition upstream, KeyValuePair<string, string>? credential, McpClientHandlers? handlers,
        OutboundHttpPolicy policy, ILoggerFactory? loggers, CancellationToken cancellationToken, bool newest = false)
    {
        var headers = new Dictionary<string, string>(upstream.Headers);
        if (credential is { } header)
        {
            headers[header.Key] = header.Value;
        }

        UpstreamHeaders.EnsureSendable(upstream.Name, headers);

        var transport = (UpstreamTransport.Find(upstream.Transport) ?? throw new InvalidOperationException(UpstreamTransport.UnknownProblem(upstream.Transport)))
            .Connect(upstream, headers, policy, loggers);
        var options = new McpClientOptions
        {
            ClientInfo = new Implementation { Name = "portico-gateway", Version = typeof(UpstreamConnector).Assembly.GetName().Version?.ToString(3) ?? "0" },
            // Pinned (per upstream) so the client does not first probe with a newer revision that most servers
            // answer with an error (a wasted round trip on every connect).
            // A tasks-capable client's calls go over a session of the newest revision both speak (UpstreamTaskRelay).
            ProtocolVersion = newest ? null : upstream.Protocol,
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

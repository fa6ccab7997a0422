using ModelContextProtocol.Client;
using Portico.Security;

namespace Portico.Gateway;

/// <summary>
/// How the gateway reaches one kind of upstream: what a definition of it must say, how to connect, how to name its
/// target, and what it can carry. A new transport is one subclass and one entry in <see cref="All"/>; the definition
/// check, the connector, the admin API and the cancellation path ask the transport instead of comparing its name.
/// </summary>
internal abstract class UpstreamTransport
{
    public static readonly UpstreamTransport Http = new HttpUpstreamTransport();

    public static readonly UpstreamTransport Stdio = new StdioUpstreamTransport();

    /// <summary>Every transport, in the order error messages list them.</summary>
    public static IReadOnlyList<UpstreamTransport> All { get; } = [Http, Stdio];

    /// <summary>The name definitions use (<c>transport</c> in the admin API and configuration, <c>--transport</c> in the CLI).</summary>
    public abstract string Name { get; }

    /// <summary>Whether stored credentials can travel to it (they go in a request header).</summary>
    public abstract bool CarriesCredentials { get; }

    /// <summary>
    /// Whether Portico itself sends <c>notifications/cancelled</c> when it stops waiting for a call: over stdio the SDK
    /// client sends it; over Streamable HTTP it only aborts the POST, which MCP does not count as a cancellation.
    /// </summary>
    public abstract bool NeedsExplicitCancellation { get; }

    public static UpstreamTransport? Find(string name) => All.FirstOrDefault(t => t.Name == name);

    /// <summary>What is wrong with <paramref name="upstream"/> for this transport, or null.</summary>
    public abstract string? Problem(UpstreamDefinition upstream);

    /// <summary>Where it is, for lists and logs (never the headers: they may carry secrets).</summary>
    public abstract string Target(UpstreamDefinition upstream);

    /// <summary>Why the admin API may not create this upstream (an operator can, through the CLI), or null.</summary>
    public virtual string? AdminApiRefusal(UpstreamDefinition upstream, GatewayOptions options) => null;

    public abstract IClientTransport Connect(UpstreamDefinition upstream, Dictionary<string, string> headers, OutboundHttpPolicy policy, ILoggerFactory? loggers);

    public static string UnknownProblem(string name) => $"Unknown transport '{name}': use {string.Join(" or ", All.Select(t => t.Name))}.";

    private sealed class HttpUpstreamTransport : UpstreamTransport
    {
        public override string Name => "http";

        public override bool CarriesCredentials => true;

        public override bool NeedsExplicitCancellation => true;

        public override string? Problem(UpstreamDefinition upstream)
            => upstream.Url is null || !(upstream.Url.Scheme == Uri.UriSchemeHttp || upstream.Url.Scheme == Uri.UriSchemeHttps) ? "An http upstream needs an absolute http(s) URL (--url)."
                : upstream.Command is not null ? "An http upstream takes a URL, not a command."
                : null;

        public override string Target(UpstreamDefinition upstream) => upstream.Url!.ToString();

        public override IClientTransport Connect(UpstreamDefinition upstream, Dictionary<string, string> headers, OutboundHttpPolicy policy, ILoggerFactory? loggers)
            => new HttpClientTransport(new HttpClientTransportOptions
            {
                Endpoint = upstream.Url!,
                Name = upstream.Name,
                TransportMode = HttpTransportMode.StreamableHttp,
                AdditionalHeaders = headers,
            }, new HttpClient(new UnauthorizedDetector(new UpstreamCallTap(OutboundHttp.CreateHandler(policy)))) { Timeout = System.Threading.Timeout.InfiniteTimeSpan }, loggers, ownsHttpClient: true);
    }

    private sealed class StdioUpstreamTransport : UpstreamTransport
    {
        public override string Name => "stdio";

        public override bool CarriesCredentials => false;

        public override bool NeedsExplicitCancellation => false;

        public override string? Problem(UpstreamDefinition upstream)
            => string.IsNullOrWhiteSpace(upstream.Command) ? "A stdio upstream needs a command (--command)."
                : upstream.Url is not null ? "A stdio upstream takes a command, not a URL."
                : null;

        public override string Target(UpstreamDefinition upstream) => string.Join(' ', [upstream.Command!, .. upstream.Args]);

        /// <summary>A process on this machine: only the operators the stdio policy names may start one through the API.</summary>
        public override string? AdminApiRefusal(UpstreamDefinition upstream, GatewayOptions options) => options.AdminApiStdio.Refusal(upstream.Command!);

        public override IClientTransport Connect(UpstreamDefinition upstream, Dictionary<string, string> headers, OutboundHttpPolicy policy, ILoggerFactory? loggers)
            => new StdioCallCounter(new StdioClientTransport(new StdioClientTransportOptions
            {
                Command = upstream.Command!,
                Name = upstream.Name,
                Arguments = [.. upstream.Args],
                // Never the server's own environment: it holds the store's connection string and other secrets.
                InheritEnvironmentVariables = false,
                EnvironmentVariables = UpstreamConnector.ChildEnvironment(upstream),
                WorkingDirectory = upstream.WorkingDirectory,
            }, loggers));
    }
}

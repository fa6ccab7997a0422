using Microsoft.Extensions.Options;

namespace Portico.Hosting;

/// <summary>
/// DNS-rebinding protection and CORS for MCP paths: the Host header must name this server and a
/// browser Origin must be one the operator allowed. Loopback names are always allowed.
/// </summary>
internal sealed class HostOriginPolicy(IOptionsMonitor<HostOriginOptions> options)
{
    public const string AllowedHostsSetting = "Portico:Mcp:AllowedHosts";
    public const string AllowedOriginsSetting = "Portico:Mcp:AllowedOrigins";

    public bool IsHostAllowed(HostString host)
    {
        if (!host.HasValue)
        {
            return false;
        }

        var name = host.Host;
        if (IsLoopbackName(name))
        {
            return true;
        }

        foreach (var allowed in options.CurrentValue.AllowedHosts)
        {
            if (allowed == "*" || string.Equals(allowed, name, StringComparison.OrdinalIgnoreCase) || string.Equals(allowed, host.Value, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    public bool IsOriginAllowed(string origin)
    {
        if (Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && IsLoopbackName(uri.Host))
        {
            return true;
        }

        foreach (var allowed in options.CurrentValue.AllowedOrigins)
        {
            if (allowed == "*" || string.Equals(allowed.TrimEnd('/'), origin, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsLoopbackName(string host)
        => host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
            || host is "127.0.0.1" or "[::1]" or "::1";
}

using System.Net;

namespace Portico.Security;

/// <summary>
/// What one kind of server-side request may reach: the schemes, the address ranges (checked when the
/// connection is made, on the addresses actually connected to, so DNS rebinding cannot slip past), and
/// the time and size a whole response may take. An <see cref="Origin"/> can be reached under other rules
/// (<see cref="OriginRules"/>): an upstream's own origin during its OAuth discovery is trusted as the
/// operator configured it, while every other URL the upstream names must be public.
/// </summary>
internal sealed record OutboundHttpPolicy
{
    /// <summary>What the requests are for, in errors ("upstream OAuth discovery").</summary>
    public required string Use { get; init; }

    public bool AllowPrivateNetworks { get; init; }

    public bool AllowHttp { get; init; }

    public IReadOnlyList<string> AllowedHosts { get; init; } = [];

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    public long MaxResponseBytes { get; init; } = 1024 * 1024;

    /// <summary>The configuration that lifts a refusal, named in its error (e.g. <c>Portico:Outbound:Upstreams</c>).</summary>
    public required string Setting { get; init; }

    /// <summary>When one switch lifts every refusal of this use (e.g. <c>Portico:Identity:ClientMetadata:AllowLoopbackHttp</c>).</summary>
    public string? SingleSetting { get; init; }

    public Uri? Origin { get; init; }

    public OutboundHttpPolicy? OriginRules { get; init; }

    /// <summary>The operator at a shell (the CLI's <c>upstreams test</c>): they can reach anything anyway.</summary>
    public static OutboundHttpPolicy Unrestricted(string use) => new() { Use = use, AllowPrivateNetworks = true, AllowHttp = true, Setting = "" };

    /// <summary>These rules, except that <paramref name="origin"/> (scheme, host and port) follows <paramref name="rules"/>.</summary>
    public OutboundHttpPolicy WithOrigin(Uri origin, OutboundHttpPolicy rules) => this with { Origin = origin, OriginRules = rules };

    /// <summary>A stable key for caching one handler per policy.</summary>
    public string Key => string.Join('|', Use, AllowPrivateNetworks, AllowHttp, string.Join(',', AllowedHosts), Timeout.Ticks, MaxResponseBytes,
        Origin?.GetLeftPart(UriPartial.Authority), OriginRules?.Key);

    /// <summary>The rules a request to <paramref name="uri"/> follows.</summary>
    public OutboundHttpPolicy RulesFor(Uri uri)
        => Origin is { } origin && OriginRules is { } rules && uri.Scheme == origin.Scheme && SameHost(uri.IdnHost, origin.IdnHost) && uri.Port == origin.Port ? rules : this;

    /// <summary>The rules a connection to <paramref name="host"/>:<paramref name="port"/> follows (the scheme is checked per request).</summary>
    public OutboundHttpPolicy RulesFor(string host, int port)
        => Origin is { } origin && OriginRules is { } rules && SameHost(host, origin.IdnHost) && port == origin.Port ? rules : this;

    /// <summary>Why a request to <paramref name="uri"/> may not be sent at all; null when it may.</summary>
    public string? RequestProblem(Uri uri)
    {
        if (!uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return $"'{uri}' is not an http(s) URL.";
        }

        var rules = RulesFor(uri);
        return uri.Scheme == Uri.UriSchemeHttp && !rules.AllowHttp
            ? $"'{uri}' is not allowed for {Use}: https only{rules.Lift("AllowHttp")}."
            : null;
    }

    /// <summary>Whether a connection to <paramref name="address"/> (resolved from <paramref name="host"/>) is allowed.</summary>
    public bool Allows(IPAddress address, string host)
        => !OutboundAddresses.IsNeverAllowed(address)
            && (OutboundAddresses.IsPublic(address) || AllowPrivateNetworks || AllowedHosts.Any(h => SameHost(h, host)));

    /// <summary>The refusal of a host none of whose addresses is allowed. It never says what the host resolves to.</summary>
    public string AddressProblem(string host)
        => $"'{host}' is not allowed for {Use}: only public addresses are (loopback, private, link-local and other reserved networks are refused){Lift("AllowPrivateNetworks")}.";

    private string Lift(string key)
        => SingleSetting is { } single ? $"; an operator can allow it with {single}=true"
            : Setting.Length == 0 ? ""
            : $"; an operator can allow it with {Setting}:{key}=true" + (key == "AllowPrivateNetworks" ? $" or by listing the host in {Setting}:AllowedHosts" : "");

    private static bool SameHost(string a, string b) => string.Equals(a.Trim('[', ']'), b.Trim('[', ']'), StringComparison.OrdinalIgnoreCase);
}

namespace Portico.Security;

/// <summary>
/// Bound per use from <c>Portico:Outbound:{Use}</c> (e.g. <c>Portico:Outbound:Upstreams</c>): what a
/// server-side request of that use may reach. The defaults are the safe ones: https only, public
/// addresses only; an operator opens exactly what a deployment needs.
/// </summary>
internal sealed class OutboundHttpOptions
{
    public const string SectionName = "Portico:Outbound";

    /// <summary>Also connect to loopback, private, link-local and unique-local addresses.</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>Also send requests over plain http.</summary>
    public bool AllowHttp { get; set; }

    /// <summary>Host names (or IP literals) that may resolve to non-public addresses, while everything else stays public only.</summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>How long one request may take, body included (where the use reads a whole body).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The largest response body read (where the use reads a whole body).</summary>
    public int MaxResponseBytes { get; set; } = 1024 * 1024;

    public static string Section(string use) => $"{SectionName}:{use}";

    /// <summary>The policy of the use configured under <see cref="Section"/>(<paramref name="key"/>), described in errors as <paramref name="use"/>.</summary>
    public OutboundHttpPolicy Policy(string key, string use) => new()
    {
        Use = use,
        AllowPrivateNetworks = AllowPrivateNetworks,
        AllowHttp = AllowHttp,
        AllowedHosts = [.. AllowedHosts],
        Timeout = Timeout,
        MaxResponseBytes = MaxResponseBytes,
        Setting = Section(key),
    };
}

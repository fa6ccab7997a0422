namespace Portico.Access;

/// <summary>Bound from <c>Portico:Access</c>.</summary>
internal sealed class AccessOptions
{
    public const string SectionName = "Portico:Access";

    /// <summary>Accept callers without credentials from loopback (development only; set by <c>serve --conformance</c>).</summary>
    public bool AllowAnonymousLoopback { get; set; }

    /// <summary>On an empty store, create a demo user, tenant and API key at start-up and print the key once.</summary>
    public bool SeedDemo { get; set; } = true;
}

namespace Portico.Storage;

/// <summary>
/// What a store change is about, by its wire name in <c>store_changes.topic</c>. Each feature declares its
/// topics once (e.g. <c>GatewayTopics.Upstreams</c>); writers and caches name the instance, never the string,
/// so a topic cannot be spelled two ways. Equal by name, so a topic read back from the store matches.
/// </summary>
internal sealed record StoreTopic(string Name)
{
    public override string ToString() => Name;
}

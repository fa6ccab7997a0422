namespace Portico.Policy;

/// <summary>
/// Tools that come and go while Portico runs (an upstream added, down or back). The catalog merges
/// them with the native packs' tools; <see cref="Changed"/> makes open sessions re-list.
/// </summary>
internal interface IDynamicToolSource
{
    /// <summary>The tools available now (a snapshot; names must not collide with native tools).</summary>
    IReadOnlyList<ToolDefinition> Tools { get; }

    /// <summary>
    /// Tools this source knows but cannot offer now (upstream down, credentials missing), with the
    /// error a call gets and what would fix it. They are not listed, but explained.
    /// </summary>
    IReadOnlyList<UnavailableTool> Unavailable { get; }

    event Action? Changed;
}

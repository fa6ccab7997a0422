using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Portico.Catalog;

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

    /// <summary>Prompts available now (names must not collide with native prompts).</summary>
    IReadOnlyList<PromptDefinition> Prompts => [];

    /// <summary>Resources available now, under URIs <see cref="ReaderFor"/> recognises.</summary>
    IReadOnlyList<Resource> Resources => [];

    /// <summary>Resource templates available now; the URIs they expand to are read through <see cref="ReaderFor"/>.</summary>
    IReadOnlyList<ResourceTemplate> Templates => [];

    /// <summary>How to read <paramref name="uri"/> when it is one of this source's; null otherwise.</summary>
    Func<RequestContext<ReadResourceRequestParams>, CancellationToken, ValueTask<ReadResourceResult>>? ReaderFor(string uri) => null;

    event Action? Changed;
}

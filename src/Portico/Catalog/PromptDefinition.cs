using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Portico.Catalog;

/// <summary>A prompt and how to render it.</summary>
internal sealed record PromptDefinition(
    Prompt Prompt,
    Func<RequestContext<GetPromptRequestParams>, CancellationToken, ValueTask<GetPromptResult>> Get);

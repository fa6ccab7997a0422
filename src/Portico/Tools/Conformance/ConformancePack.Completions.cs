using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Portico.Catalog;
using Portico.Policy;

namespace Portico.Tools.Conformance;

/// <summary>Argument completion for the prompt with arguments.</summary>
internal sealed partial class ConformancePack
{
    private static readonly Dictionary<string, string[]> PromptArgumentCandidates = new(StringComparer.Ordinal)
    {
        ["arg1"] = ["test-value", "test-value-2", "sample-value"],
        ["arg2"] = ["test-other", "example-value"],
    };

    private static partial void RegisterCompletions(CatalogBuilder catalog)
        => catalog.AddCompletion("ref/prompt", "test_prompt_with_arguments", CompletePromptArgument);

    /// <summary>The candidates of the argument that start with what the user typed so far.</summary>
    private static ValueTask<CompleteResult> CompletePromptArgument(RequestContext<CompleteRequestParams> request, CancellationToken cancellationToken)
    {
        var argument = request.Params?.Argument;
        string[] values = argument is not null && PromptArgumentCandidates.TryGetValue(argument.Name, out var candidates)
            ? [.. candidates.Where(c => c.StartsWith(argument.Value, StringComparison.OrdinalIgnoreCase))]
            : [];
        return ValueTask.FromResult(new CompleteResult
        {
            Completion = new Completion { Values = values, Total = values.Length, HasMore = false },
        });
    }
}

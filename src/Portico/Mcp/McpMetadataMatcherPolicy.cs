using Microsoft.AspNetCore.Routing.Matching;

namespace Portico.Mcp;

/// <summary>
/// Chooses between an MCP endpoint's transport and its public metadata, which share one route pattern: a GET or HEAD
/// that does not accept <c>text/event-stream</c> asks for the metadata, everything else for the transport. This only
/// selects an endpoint; each endpoint's own metadata decides who may call it, and the anonymous one can serve nothing but metadata.
/// </summary>
internal sealed class McpMetadataMatcherPolicy : MatcherPolicy, IEndpointSelectorPolicy
{
    public override int Order => 0;

    public bool AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints) => endpoints.Any(e => e.Metadata.GetMetadata<MetadataEndpoint>() is not null);

    public Task ApplyAsync(HttpContext httpContext, CandidateSet candidates)
    {
        var request = httpContext.Request;
        var wantsMetadata = (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) && !McpHttpMessages.AsksForEventStream(request);
        for (var i = 0; i < candidates.Count; i++)
        {
            var metadata = candidates[i].Endpoint.Metadata;
            var isMetadata = metadata.GetMetadata<MetadataEndpoint>() is not null;
            if (candidates.IsValidCandidate(i) && (isMetadata || metadata.GetMetadata<Hosting.McpEndpointMetadata>() is not null) && isMetadata != wantsMetadata)
            {
                candidates.SetValidity(i, false);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>Marks the metadata endpoint of an MCP route.</summary>
    internal sealed class MetadataEndpoint
    {
        public static readonly MetadataEndpoint Instance = new();

        private MetadataEndpoint()
        {
        }
    }
}

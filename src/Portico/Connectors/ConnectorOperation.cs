using ModelContextProtocol.Protocol;

namespace Portico.Connectors;

/// <summary>
/// One OpenAPI operation as a tool: the tool as listed, and how a call becomes the HTTP request; <see cref="NeedsConnection"/>
/// when its security requirements name the connector's <see cref="ConnectorConnection"/> (the tenant's secret goes along).
/// </summary>
internal sealed record ConnectorOperation(Tool Tool, string OperationId, HttpMethod Method, string Path, IReadOnlyList<ConnectorParameter> Parameters, bool HasBody,
    bool NeedsConnection)
{
    /// <summary>The argument carrying the JSON request body.</summary>
    public const string BodyProperty = "body";

    /// <summary>The argument naming the connected account an OAuth connector's call acts as.</summary>
    public const string AccountProperty = "accountId";

    /// <summary>The argument the pipeline's confirmation step reads on destructive tools.</summary>
    public const string ConfirmProperty = "confirm";

    public bool ReadOnly => Method == HttpMethod.Get || Method == HttpMethod.Head;
}

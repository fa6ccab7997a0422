using ModelContextProtocol.Protocol;
using Portico.Access;
using Portico.Catalog;
using Portico.Integrations;
using Portico.Schema;

namespace Portico.Connectors;

/// <summary>
/// The connectors' tools in the catalog, as <c>connector__operation</c>. Rebuilt from the store whenever a connector is
/// added, reloaded or removed anywhere (<see cref="ConnectorLoader"/>); each change raises <see cref="Changed"/>, which sends
/// tools/list_changed to open sessions. Calls go through the policy pipeline first (scope <c>portico/integrations.read</c> for
/// GET and HEAD, <c>.write</c> otherwise); <see cref="ConnectorCalls"/> is only their last step.
/// </summary>
internal sealed partial class ConnectorToolSource(ConnectorCalls calls, ConnectorAccounts accounts, ILogger<ConnectorToolSource> logger) : IDynamicToolSource, IIntegrationSource
{
    private IReadOnlyList<IntegrationDefinition> _integrations = [];

    private readonly Lock _lock = new();
    private Dictionary<string, (ConnectorDefinition Definition, IReadOnlyList<ToolDefinition> Tools, IReadOnlyList<UnavailableTool> Refused)> _connectors = new(StringComparer.Ordinal);
    private IReadOnlyList<ToolDefinition> _tools = [];
    private IReadOnlyList<UnavailableTool> _unavailable = [];

    public IReadOnlyList<ToolDefinition> Tools => _tools;

    public IReadOnlyList<UnavailableTool> Unavailable => _unavailable;

    public event Action? Changed;

    /// <summary>The integrations of the connectors whose documents name a supported security scheme.</summary>
    public IReadOnlyList<IntegrationDefinition> Integrations => _integrations;

    /// <summary>The connectors served now.</summary>
    public IReadOnlyList<ConnectorDefinition> Connectors()
    {
        lock (_lock)
        {
            return [.. _connectors.Values.Select(c => c.Definition).OrderBy(c => c.Name, StringComparer.Ordinal)];
        }
    }

    /// <summary>Takes the stored connectors as they are now; one whose document did not change keeps its tools.</summary>
    public void Apply(IReadOnlyList<ConnectorRecord> records)
    {
        var changed = false;
        lock (_lock)
        {
            var next = new Dictionary<string, (ConnectorDefinition, IReadOnlyList<ToolDefinition>, IReadOnlyList<UnavailableTool>)>(StringComparer.Ordinal);
            foreach (var record in records)
            {
                if (_connectors.TryGetValue(record.Name, out var current) && current.Definition.Hash == Stamp(record))
                {
                    next[record.Name] = current;
                    continue;
                }

                changed = true;
                try
                {
                    var definition = ConnectorDefinition.FromRecord(record) with { Hash = Stamp(record) };
                    var (tools, refused) = Build(definition);
                    next[record.Name] = (definition, tools, refused);
                }
                catch (ConnectorException ex)
                {
                    // A stored document that no longer builds (never expected: it built when stored) is reported, not served.
                    LogUnusable(logger, record.Name, ex.Message);
                    next[record.Name] = (new ConnectorDefinition(record.Name, record.Name, null, new Uri("https://invalid.invalid/"), Stamp(record), [], [], null), [],
                        [new UnavailableTool(record.Name + VendorToolNames.Separator + "*", "CONNECTOR_UNUSABLE", $"Connector '{record.Name}' cannot be served: {ex.Message}", ex.Hint)]);
                }
            }

            changed |= _connectors.Keys.Any(name => !next.ContainsKey(name));
            if (!changed)
            {
                return;
            }

            _connectors = next;
            _tools = [.. next.Values.SelectMany(c => c.Item2)];
            _unavailable = [.. next.Values.SelectMany(c => c.Item3)];
            _integrations = [.. next.Values.Select(c => c.Item1.Integration).OfType<IntegrationDefinition>()];
        }

        Changed?.Invoke();
    }

    private static string Stamp(ConnectorRecord record) => $"{record.Hash}|{record.BaseUrl}|{record.SourceUrl}";

    private (IReadOnlyList<ToolDefinition>, IReadOnlyList<UnavailableTool>) Build(ConnectorDefinition connector)
    {
        var tools = new List<ToolDefinition>();
        var refused = connector.Refused
            .Select(r => new UnavailableTool(r.Tool, "OPERATION_UNSUPPORTED", $"Connector '{connector.Name}' cannot offer {r.Problem}",
                "The document's author can fix the operation; the connector's other tools are served."))
            .ToList();
        foreach (var operation in connector.Operations)
        {
            CompiledSchema validator;
            try
            {
                validator = JsonSchemaCompiler.Compile(operation.Tool.InputSchema);
            }
            catch (UnsupportedSchemaException ex)
            {
                // Calling it unchecked would bypass validation, so it is refused visibly instead.
                LogSchemaUnsupported(logger, connector.Name, operation.Tool.Name, ex.Message);
                refused.Add(new UnavailableTool(operation.Tool.Name, "SCHEMA_UNSUPPORTED",
                    $"The input schema of '{operation.OperationId}' on connector '{connector.Name}' cannot be validated: {ex.Message}",
                    "Fix the operation's parameter or request body schema in the document and reload the connector."));
                continue;
            }

            tools.Add(new ToolDefinition
            {
                Tool = operation.Tool,
                Owner = connector.Name,
                RequiredScope = operation.ReadOnly ? Scopes.Read("integrations") : Scopes.Write("integrations"),
                Write = !operation.ReadOnly,
                InputValidator = validator,
                // The pipeline has checked the tenant's connection (INTEGRATION_NOT_CONFIGURED with the portal link) before this runs.
                Integration = operation.NeedsConnection ? connector.Name : null,
                NeedsTenant = operation.NeedsConnection,
                Handler = async (invocation, cancellationToken) => await CallAsync(connector, operation, invocation, cancellationToken),
            });
        }

        return (tools, refused);
    }

    private async ValueTask<CallToolResult> CallAsync(ConnectorDefinition connector, ConnectorOperation operation, ToolInvocation invocation, CancellationToken cancellationToken)
    {
        if (!operation.NeedsConnection)
        {
            return await calls.CallAsync(connector, operation, invocation, null, cancellationToken);
        }

        if (connector.Connection!.Kind != ConnectorConnection.OAuthKind)
        {
            return await calls.CallAsync(connector, operation, invocation, await invocation.Integrations.GetSecretAsync(connector.Name, cancellationToken), cancellationToken);
        }

        // The named account's access token is the bearer; an account not connected for this tenant answers instead.
        var (token, refusal) = await accounts.AccessTokenAsync(connector, invocation, cancellationToken);
        return refusal ?? await calls.CallAsync(connector, operation, invocation, token, cancellationToken);
    }

    [LoggerMessage(EventId = 1801, Level = LogLevel.Error, Message = "Connector {Connector} cannot be served: {Reason}")]
    private static partial void LogUnusable(ILogger logger, string connector, string reason);

    [LoggerMessage(EventId = 1802, Level = LogLevel.Warning, Message = "Connector {Connector}: tool {Tool} has an input schema Portico cannot validate ({Reason}); it is not offered")]
    private static partial void LogSchemaUnsupported(ILogger logger, string connector, string tool, string reason);
}

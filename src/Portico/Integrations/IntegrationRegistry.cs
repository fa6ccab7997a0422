namespace Portico.Integrations;

/// <summary>
/// The one list of declared integrations, read by everything that names one (the pipeline's check, the admin API, the
/// CLI, the portal). Built once from the declarations; a name declared twice is refused at start-up.
/// </summary>
internal sealed class IntegrationRegistry
{
    private readonly Dictionary<string, IntegrationDefinition> _byName = new(StringComparer.Ordinal);

    public IntegrationRegistry(IEnumerable<IntegrationDefinition> definitions)
    {
        foreach (var definition in definitions)
        {
            definition.Validate();
            if (!_byName.TryAdd(definition.Name, definition))
            {
                throw new InvalidOperationException(
                    $"Integration '{definition.Name}' is declared twice ('{_byName[definition.Name].Title}' and '{definition.Title}'); each name is declared once, by the tools that need it.");
            }
        }

        All = [.. _byName.Values.OrderBy(d => d.Name, StringComparer.Ordinal)];
    }

    /// <summary>Every declared integration, by name.</summary>
    public IReadOnlyList<IntegrationDefinition> All { get; }

    public IntegrationDefinition? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>The names, for a "no such integration" answer: what could have been meant.</summary>
    public string Names => All.Count == 0 ? "none is declared by the tools this server offers" : string.Join(", ", All.Select(d => d.Name));
}

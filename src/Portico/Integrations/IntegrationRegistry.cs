namespace Portico.Integrations;

/// <summary>
/// The one list of integrations, read by everything that names one (the pipeline's check, the admin API, the CLI, the
/// portal): those packs declare (built once; a name declared twice is refused at start-up) and those run-time sources
/// declare (<see cref="IIntegrationSource"/>, e.g. connectors from the store), read at every lookup. A declared name
/// always wins over a run-time one.
/// </summary>
internal sealed class IntegrationRegistry
{
    private readonly Dictionary<string, IntegrationDefinition> _byName = new(StringComparer.Ordinal);
    private readonly IReadOnlyList<IntegrationDefinition> _declared;
    private readonly IIntegrationSource[] _sources;

    public IntegrationRegistry(IEnumerable<IntegrationDefinition> definitions, IEnumerable<IIntegrationSource> sources)
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

        _declared = [.. _byName.Values.OrderBy(d => d.Name, StringComparer.Ordinal)];
        _sources = [.. sources];
    }

    /// <summary>Only what packs declare (the CLI's own list, and tests).</summary>
    public IntegrationRegistry(IEnumerable<IntegrationDefinition> definitions)
        : this(definitions, [])
    {
    }

    /// <summary>Every integration, by name.</summary>
    public IReadOnlyList<IntegrationDefinition> All
        => _sources.Length == 0
            ? _declared
            : [.. _declared.Concat(RunTime().Where(d => !_byName.ContainsKey(d.Name)).DistinctBy(d => d.Name)).OrderBy(d => d.Name, StringComparer.Ordinal)];

    public IntegrationDefinition? Find(string name) => _byName.GetValueOrDefault(name) ?? RunTime().FirstOrDefault(d => d.Name == name);

    /// <summary>Whether a pack declared <paramref name="name"/> (a run-time source may not take it).</summary>
    public bool IsDeclared(string name) => _byName.ContainsKey(name);

    /// <summary>The names, for a "no such integration" answer: what could have been meant.</summary>
    public string Names => All is { Count: > 0 } all ? string.Join(", ", all.Select(d => d.Name)) : "none is declared by the tools this server offers";

    private IEnumerable<IntegrationDefinition> RunTime() => _sources.SelectMany(s => s.Integrations);
}

namespace Portico.Storage;

/// <summary>Where Portico keeps its state. Bound from <c>Portico:Store</c>.</summary>
internal sealed class StoreOptions
{
    public const string SectionName = "Portico:Store";

    /// <summary>
    /// A SQLite file path (<c>portico.db</c>), a SQLite connection string (<c>Data Source=…</c>)
    /// or a PostgreSQL URL (<c>postgres://user:pass@host/db</c>).
    /// </summary>
    public string Store { get; set; } = "portico.db";
}

namespace Portico.Storage;

/// <summary>A schema step the store has recorded as applied.</summary>
internal sealed record AppliedMigration(int Version, string Name, DateTimeOffset AppliedAt);

namespace Portico.Tools.Records;

/// <summary>What an update did: the record after it (<see cref="EntityUpdateOutcome.Updated"/>), or as it stands (<see cref="EntityUpdateOutcome.Conflict"/>).</summary>
internal sealed record EntityUpdate(EntityUpdateOutcome Outcome, StoredEntity? Record);

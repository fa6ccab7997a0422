namespace Portico.Tools.Records;

/// <summary>What an update did: the record after it (<see cref="RecordUpdateOutcome.Updated"/>), or as it stands (<see cref="RecordUpdateOutcome.Conflict"/>).</summary>
internal sealed record RecordUpdate(RecordUpdateOutcome Outcome, StoredRecord? Record);

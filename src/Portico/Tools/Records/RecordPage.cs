namespace Portico.Tools.Records;

/// <summary>One page of <c>list-records</c>: newest first, with the cursor of the next page (null on the last).</summary>
internal sealed record RecordPage(IReadOnlyList<StoredEntity> Items, RecordCursor? Next);

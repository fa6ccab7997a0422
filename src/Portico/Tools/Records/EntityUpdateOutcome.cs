namespace Portico.Tools.Records;

internal enum EntityUpdateOutcome
{
    Updated,
    NotFound,

    /// <summary>The record is at another version than the caller expected (or kept changing under it).</summary>
    Conflict,
}

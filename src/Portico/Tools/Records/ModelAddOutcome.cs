namespace Portico.Tools.Records;

internal enum ModelAddOutcome
{
    Added,

    /// <summary>The tenant already has this model with the same definition: nothing changed (a retried call succeeds).</summary>
    AlreadyPresent,

    /// <summary>The tenant has a model with this id and another definition: models are immutable, a change is a new version.</summary>
    Conflicting,
}

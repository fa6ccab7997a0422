namespace Portico.Tools.Records;

/// <summary>When an entity of a publishable model is published: from <see cref="PublishAt"/> (null: a draft) until <see cref="UnpublishAt"/> (null: for good).</summary>
internal readonly record struct PublishSchedule(DateTimeOffset? PublishAt, DateTimeOffset? UnpublishAt);

namespace Portico.Tools.Records;

/// <summary>A record to create: its collection and its data (a JSON object, as text), and its publish dates (publishable models only).</summary>
internal sealed record NewEntity(string Model, string Data, DateTimeOffset? PublishAt = null, DateTimeOffset? UnpublishAt = null);

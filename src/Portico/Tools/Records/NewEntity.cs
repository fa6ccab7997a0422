namespace Portico.Tools.Records;

/// <summary>A record to create: its collection and its data (a JSON object, as text).</summary>
internal sealed record NewEntity(string Model, string Data);

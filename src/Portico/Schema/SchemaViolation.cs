namespace Portico.Schema;

/// <summary>
/// One way an instance fails its schema. <see cref="Path"/> is dotted from the instance root
/// (<c>config.headers[2].name</c>; the root itself is <c>""</c>), so a model can find the value;
/// <see cref="Expected"/> and <see cref="Received"/> are short phrases for structured output and
/// <see cref="Message"/> is the same fact as one sentence.
/// </summary>
internal sealed record SchemaViolation(string Path, string Expected, string Received, string Message);

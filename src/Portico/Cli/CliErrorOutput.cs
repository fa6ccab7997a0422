namespace Portico.Cli;

/// <summary>A refused command in <c>--json</c> mode.</summary>
internal sealed record CliErrorOutput(string Error, string Hint);

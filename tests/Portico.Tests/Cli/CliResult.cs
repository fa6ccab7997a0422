using System.Text.Json.Nodes;

namespace Portico.Tests.Cli;

/// <summary>What one in-process run of the <c>portico</c> command printed and returned.</summary>
internal sealed record CliResult(int ExitCode, string Output, string Error)
{
    /// <summary>Standard output parsed as JSON (for <c>--json</c> runs).</summary>
    public JsonNode Json => JsonNode.Parse(Output) ?? throw new InvalidOperationException($"No JSON in the output; stderr: {Error}");
}

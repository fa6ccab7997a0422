namespace Portico.Toolsets;

/// <summary>
/// Toolset names: the path segment of <c>/toolsets/{name}/mcp</c>, so 1–32 of a–z 0–9 _ - starting with a letter or digit
/// (the spelling <c>Hosting.McpResources</c> accepts as a token audience). Lower case only: <c>/toolsets/Docs/mcp</c> names
/// no toolset rather than a second spelling of one.
/// </summary>
internal static class ToolsetNames
{
    public const int MaxLength = 32;

    public const string Rule = "1–32 characters of a–z, 0–9, '_' and '-', starting with a letter or digit";

    public static bool IsValid(string? name)
        => name is { Length: > 0 and <= MaxLength } && (char.IsAsciiLetterLower(name[0]) || char.IsAsciiDigit(name[0]))
            && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '_' or '-');

    public static string EndpointPath(string name) => $"/toolsets/{name}/mcp";
}

namespace Portico.Catalog;

/// <summary>Tool names as the MCP specification allows them: 1–64 of A–Z a–z 0–9 _ - . /</summary>
internal static class ToolNames
{
    public const int MaxLength = 64;

    public static bool IsValid(string name)
    {
        if (name.Length is 0 or > MaxLength)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '-' or '.' or '/'))
            {
                return false;
            }
        }

        return true;
    }

    public static void Validate(string name)
    {
        if (!IsValid(name))
        {
            throw new InvalidOperationException($"Tool name '{name}' is invalid: use 1-{MaxLength} characters of A-Z, a-z, 0-9, '_', '-', '.', '/'.");
        }
    }
}

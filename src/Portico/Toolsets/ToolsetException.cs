namespace Portico.Toolsets;

/// <summary>A refused toolset change: the HTTP status, what is wrong and what to do instead.</summary>
internal sealed class ToolsetException(int status, string message, string hint) : Exception(message)
{
    public int Status { get; } = status;

    public string Hint { get; } = hint;
}

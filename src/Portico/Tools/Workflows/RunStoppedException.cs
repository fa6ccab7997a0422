namespace Portico.Tools.Workflows;

/// <summary>Ends a run as failed at once, without retries: its credential no longer holds, or a step cannot safely run again.</summary>
internal sealed class RunStoppedException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}

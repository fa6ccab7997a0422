namespace Portico.Connectors;

/// <summary>A connector request that cannot be done as asked: what is wrong and what to do (a 400 in the admin API, an error in the CLI).</summary>
internal sealed class ConnectorException(string message, string hint = "", int status = StatusCodes.Status400BadRequest) : Exception(message)
{
    public string Hint { get; } = hint;

    public int Status { get; } = status;
}

using Portico.Catalog;

namespace Portico.Integrations;

/// <summary>
/// Thrown to a handler that reads a secret cleared after the call's check passed; the pipeline answers it with
/// <see cref="Answer"/>, the same <c>INTEGRATION_NOT_CONFIGURED</c> envelope the check gives.
/// </summary>
internal sealed class IntegrationNotConfiguredException(UnavailableTool answer) : Exception(answer.Message)
{
    public UnavailableTool Answer { get; } = answer;
}

namespace Portico.Storage;

/// <summary>The store setting cannot be used; <see cref="Hint"/> says what to do instead.</summary>
internal sealed class StoreConfigurationException(string message, string hint) : Exception(message)
{
    public string Hint { get; } = hint;
}

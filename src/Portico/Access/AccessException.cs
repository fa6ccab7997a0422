namespace Portico.Access;

/// <summary>An administrative request that cannot be carried out; <see cref="Hint"/> says what to do instead.</summary>
internal sealed class AccessException(string message, string hint) : Exception(message)
{
    public string Hint { get; } = hint;
}

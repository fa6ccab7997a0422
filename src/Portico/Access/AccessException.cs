namespace Portico.Access;

/// <summary>An administrative request that cannot be carried out; <see cref="Hint"/> says what to do instead.</summary>
/// <param name="forbidden">The request is outside the caller's role (a page answers 403), rather than malformed (400).</param>
internal sealed class AccessException(string message, string hint, bool forbidden = false) : Exception(message)
{
    public string Hint { get; } = hint;

    public bool Forbidden { get; } = forbidden;
}

namespace Portico.Hosting;

/// <summary>A setting (configuration or flag) cannot be used; <see cref="Hint"/> says what to do instead.</summary>
internal sealed class SettingException(string message, string hint) : Exception(message)
{
    public string Hint { get; } = hint;
}

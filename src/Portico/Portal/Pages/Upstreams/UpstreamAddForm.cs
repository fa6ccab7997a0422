using System.Globalization;
using Portico.Access;
using Portico.Gateway;

namespace Portico.Portal.Pages.Upstreams;

/// <summary>
/// The portal's "add an upstream" form, as posted: text fields turned into the admin API's <see cref="UpstreamInput"/>, so
/// the definition is checked by the same rules (<see cref="UpstreamDefinition.Problem"/>). Lines that are not of the
/// shape asked for are refused here, saying which.
/// </summary>
internal sealed class UpstreamAddForm
{
    public string? Name { get; set; }

    public string? Transport { get; set; }

    public string? Url { get; set; }

    /// <summary>"Name: value" per line.</summary>
    public string? Headers { get; set; }

    public string? Command { get; set; }

    /// <summary>One argument per line.</summary>
    public string? Args { get; set; }

    /// <summary>"NAME=value" per line.</summary>
    public string? Env { get; set; }

    public string? CredentialMode { get; set; }

    public string? CredentialHeader { get; set; }

    public string? Protocol { get; set; }

    public string? TimeoutSeconds { get; set; }

    public string? AllowTools { get; set; }

    public string? DenyTools { get; set; }

    public bool Disabled { get; set; }

    public UpstreamDefinition ToDefinition()
    {
        double? timeout = null;
        if (!string.IsNullOrWhiteSpace(TimeoutSeconds))
        {
            if (!double.TryParse(TimeoutSeconds, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || seconds is < 1 or > 3600 || double.IsNaN(seconds))
            {
                throw new AccessException($"'{TimeoutSeconds}' is not a timeout: give the seconds a call may take, 1 to 3600.", "Leave it empty for the default (60 s).");
            }

            timeout = seconds;
        }

        return new UpstreamInput
        {
            Name = Name?.Trim(),
            Transport = Blank(Transport),
            Url = Blank(Url),
            Headers = Pairs(Headers, ':', "static header", "Name: value"),
            Command = Blank(Command),
            Args = Lines(Args).ToList(),
            Env = Pairs(Env, '=', "environment variable", "NAME=value"),
            CredentialMode = Blank(CredentialMode),
            CredentialHeader = Blank(CredentialHeader),
            Protocol = Blank(Protocol),
            TimeoutSeconds = timeout,
            AllowTools = List(AllowTools),
            DenyTools = List(DenyTools),
            Enabled = !Disabled,
        }.ToDefinition();
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static IEnumerable<string> Lines(string? text)
        => (text ?? "").Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0);

    private static List<string> List(string? text) => [.. (text ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];

    private static Dictionary<string, string> Pairs(string? text, char separator, string what, string shape)
    {
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in Lines(text))
        {
            var at = line.IndexOf(separator, StringComparison.Ordinal);
            if (at <= 0)
            {
                // The line may hold a secret: never echo it.
                throw new AccessException($"A {what} line is not of the form {shape}.", $"Write one {shape} per line.");
            }

            pairs[line[..at].Trim()] = line[(at + 1)..].Trim();
        }

        return pairs;
    }
}

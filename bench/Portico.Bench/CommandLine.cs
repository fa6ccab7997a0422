using System.Globalization;

namespace Portico.Bench;

/// <summary><c>--name value</c> pairs; a name given several times keeps every value.</summary>
internal sealed class CommandLine
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);

    public static CommandLine Parse(ReadOnlySpan<string> args)
    {
        var parsed = new CommandLine();
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"expected '--name value' pairs, got '{args[i]}'");
            }

            var name = args[i][2..];
            if (!parsed._values.TryGetValue(name, out var list))
            {
                parsed._values[name] = list = [];
            }

            list.Add(args[i + 1]);
        }

        return parsed;
    }

    public string? Get(string name) => _values.TryGetValue(name, out var list) ? list[^1] : null;

    public IReadOnlyList<string> GetAll(string name) => _values.TryGetValue(name, out var list) ? list : [];

    public string Require(string name) => Get(name) ?? throw new ArgumentException($"--{name} is required");

    public double GetDouble(string name, double fallback)
        => Get(name) is { } value
            ? double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) && parsed >= 0
                ? parsed
                : throw new ArgumentException($"--{name} must be a non-negative number, got '{value}'")
            : fallback;

    /// <summary>Every <c>--header "Name: value"</c>.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> GetHeaders()
        => [.. GetAll("header").Select(h =>
        {
            var colon = h.IndexOf(':', StringComparison.Ordinal);
            return colon > 0
                ? new KeyValuePair<string, string>(h[..colon].Trim(), h[(colon + 1)..].Trim())
                : throw new ArgumentException($"--header expects 'Name: value', got '{h}'");
        })];

    public int GetInt(string name, int fallback)
        => Get(name) is { } value
            ? int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed > 0
                ? parsed
                : throw new ArgumentException($"--{name} must be a positive integer, got '{value}'")
            : fallback;
}

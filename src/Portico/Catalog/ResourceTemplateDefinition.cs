using System.Text.RegularExpressions;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Portico.Catalog;

/// <summary>A resource template (RFC 6570 level 1 variables) and how to read a URI it matches.</summary>
internal sealed class ResourceTemplateDefinition
{
    private readonly Regex _matcher;

    public ResourceTemplateDefinition(
        ResourceTemplate template,
        Func<RequestContext<ReadResourceRequestParams>, IReadOnlyDictionary<string, string>, CancellationToken, ValueTask<ReadResourceResult>> read)
    {
        Template = template;
        Read = read;
        var pattern = Regex.Replace(Regex.Escape(template.UriTemplate), @"\\\{(\w+)}", "(?<$1>[^/?#]+)");
        _matcher = new Regex($"^{pattern}$", RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
    }

    public ResourceTemplate Template { get; }

    public Func<RequestContext<ReadResourceRequestParams>, IReadOnlyDictionary<string, string>, CancellationToken, ValueTask<ReadResourceResult>> Read { get; }

    public bool TryMatch(string uri, out IReadOnlyDictionary<string, string> variables)
    {
        var match = _matcher.Match(uri);
        if (!match.Success)
        {
            variables = new Dictionary<string, string>();
            return false;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in _matcher.GetGroupNames())
        {
            if (!int.TryParse(name, out _))
            {
                values[name] = Uri.UnescapeDataString(match.Groups[name].Value);
            }
        }

        variables = values;
        return true;
    }
}

using Portico.Catalog;
using Portico.Toolsets;

namespace Portico.Portal.Pages.Toolsets;

/// <summary>
/// The portal's text form of a toolset's tools, one per line: <c>catalog_name[=new_name][ | title[ | description]]</c>.
/// Parsing only splits; <see cref="ToolsetAdmin"/> validates what comes out.
/// </summary>
internal static class ToolLines
{
    public static List<ToolsetEntryInput> Parse(string? text)
    {
        var entries = new List<ToolsetEntryInput>();
        foreach (var line in (text ?? "").Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split('|', 3, StringSplitOptions.TrimEntries);
            var names = parts[0].Split('=', 2, StringSplitOptions.TrimEntries);
            entries.Add(new ToolsetEntryInput
            {
                Tool = names[0],
                Name = names.Length > 1 ? names[1] : null,
                Title = parts.Length > 1 ? parts[1] : null,
                Description = parts.Length > 2 ? parts[2] : null,
            });
        }

        return entries;
    }

    public static string Format(IEnumerable<ToolsetEntry> entries)
        => string.Join('\n', entries.Select(e =>
        {
            var line = e.Name is null ? e.Tool : $"{e.Tool}={e.Name}";
            return e.Title is null && e.Description is null ? line : $"{line} | {e.Title} | {e.Description}";
        }));
}

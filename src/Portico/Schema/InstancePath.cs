using System.Globalization;
using System.Text;

namespace Portico.Schema;

/// <summary>
/// Formats a path from the instance root in the dotted form models read best:
/// <c>schema.tableConfig.headers[2].name</c>. Names that would be ambiguous with dots
/// (spaces, dots, brackets, empty) are bracketed and quoted instead: <c>headers["a.b"]</c>.
/// </summary>
internal static class InstancePath
{
    // Property names come from the instance, so a hostile one could be a megabyte long.
    private const int MaxNameLength = 64;

    public static string Format(IReadOnlyList<PathSegment> segments, PathSegment? last = null)
    {
        if (segments.Count == 0 && last is null)
        {
            return "";
        }

        var builder = new StringBuilder();
        foreach (var segment in segments)
        {
            Append(builder, segment);
        }

        if (last is { } extra)
        {
            Append(builder, extra);
        }

        return builder.ToString();
    }

    private static void Append(StringBuilder builder, PathSegment segment)
    {
        if (segment.Name is null)
        {
            builder.Append('[').Append(segment.Index.ToString(CultureInfo.InvariantCulture)).Append(']');
        }
        else if (IsPlain(segment.Name))
        {
            if (builder.Length > 0)
            {
                builder.Append('.');
            }

            builder.Append(segment.Name);
        }
        else
        {
            builder.Append('[').Append(InstanceText.Quote(segment.Name, MaxNameLength)).Append(']');
        }
    }

    private static bool IsPlain(string name)
    {
        if (name.Length == 0 || name.Length > MaxNameLength)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '$' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}

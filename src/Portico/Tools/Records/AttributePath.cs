namespace Portico.Tools.Records;

/// <summary>
/// A path to an attribute of an entity: property names separated by '.', e.g. <c>address.city</c>. The grammar is
/// strict (each name starts with a letter or '_' and holds only letters, digits and '_'; at most
/// <see cref="MaxSegments"/> names) so a path can never carry SQL, JSON-path syntax or quotes — and even so, queries
/// pass it to the database as a parameter, never as SQL text.
/// </summary>
internal static class AttributePath
{
    public const int MaxSegments = 8;
    public const int MaxSegmentLength = 64;

    public const string Grammar = "property names of letters, digits and '_' (each starting with a letter or '_', at most 64 characters) separated by '.', at most 8 of them, e.g. \"address.city\"";

    public static bool IsValid(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return false;
        }

        var segments = path.Split('.');
        return segments.Length <= MaxSegments && segments.All(IsSegment);
    }

    public static string[] Segments(string path) => path.Split('.');

    private static bool IsSegment(string segment)
        => segment.Length is > 0 and <= MaxSegmentLength
            && (char.IsAsciiLetter(segment[0]) || segment[0] == '_')
            && segment.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}

namespace Portico.Schema;

/// <summary>One step from a value to its child: a property name or an array index.</summary>
internal readonly record struct PathSegment(string? Name, int Index)
{
    public static PathSegment Property(string name) => new(name, -1);

    public static PathSegment Item(int index) => new(null, index);
}

namespace Portico.Schema;

/// <summary>One step from a value to its child: a property name or an array index.</summary>
internal readonly record struct PathSegment(string? Name, int Index)
{
    public static PathSegment Property(string name) => new(name, -1);

    /// <summary>A property's name as a value of its own (propertyNames): same path, but not the same place as its value.</summary>
    public static PathSegment NameOf(string name) => new(name, -2);

    public static PathSegment Item(int index) => new(null, index);
}

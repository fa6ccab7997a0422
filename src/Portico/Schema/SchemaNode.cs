using System.Text.Json;

namespace Portico.Schema;

/// <summary>
/// One compiled piece of a schema: a whole (sub)schema or one keyword's check. Nodes are built once
/// and shared by every validation, so they keep no per-call state; all of that lives in
/// <see cref="ValidationContext"/>.
/// </summary>
internal abstract class SchemaNode
{
    public abstract void Validate(JsonElement instance, ValidationContext context);

    /// <summary>
    /// Nodes applied to the same instance location as this one (not to a child value). A cycle
    /// through these is a <c>$ref</c> loop that would never terminate, which the compiler rejects.
    /// </summary>
    public virtual IEnumerable<SchemaNode> InPlaceChildren => [];
}

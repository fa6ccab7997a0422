using System.Text.Json;

namespace Portico.Schema;

/// <summary>
/// A schema object: its <c>type</c> check, then its other keywords in the order the schema lists
/// them (unevaluated* last). A value of the wrong type gets only the type violation; the other
/// keywords would mostly repeat it ("not one of the enum values") and hide the fix the model needs.
/// </summary>
internal sealed class SchemaObjectNode(SchemaResource resource) : SchemaNode
{
    private TypeNode? _type;
    private SchemaNode[] _keywords = [];
    private bool _collectsAnnotations;

    public override IEnumerable<SchemaNode> InPlaceChildren => _keywords;

    /// <summary>Set once compiled: the node exists earlier so references to it can be bound.</summary>
    public void Initialise(TypeNode? type, SchemaNode[] keywords, bool collectsAnnotations)
    {
        _type = type;
        _keywords = keywords;
        _collectsAnnotations = collectsAnnotations;
    }

    public override void Validate(JsonElement instance, ValidationContext context)
    {
        // Decided at compile time: only schemas with unevaluated* open their own annotation set,
        // and only schemas using $dynamicRef track the dynamic scope, so the rest pay nothing.
        var entered = context.TracksDynamicScope && context.EnterResource(resource);
        var outer = context.Annotations;
        var own = _collectsAnnotations ? context.Annotations = new EvaluatedLocations() : null;

        if (_type is not null && !_type.Accepts(instance))
        {
            _type.Validate(instance, context);
        }
        else
        {
            foreach (var keyword in _keywords)
            {
                keyword.Validate(instance, context);
            }
        }

        if (own is not null)
        {
            context.Annotations = outer;
            outer?.Merge(own);
        }

        if (entered)
        {
            context.LeaveResource();
        }
    }
}

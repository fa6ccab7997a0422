using System.Text.Json;

namespace Portico.Schema;

/// <summary>
/// The <c>anyOf</c> keyword. When no branch matches, one violation stands for all of them, quoting
/// the branch that came closest (fewest problems) so the model has one concrete thing to fix.
/// </summary>
internal sealed class AnyOfNode(IReadOnlyList<SchemaNode> branches) : SchemaNode
{
    private readonly string _expected = $"at least one of {branches.Count} schemas (anyOf)";

    public override IEnumerable<SchemaNode> InPlaceChildren => branches;

    public override void Validate(JsonElement instance, ValidationContext context)
    {
        List<List<SchemaViolation>>? failures = null;
        var matched = false;
        foreach (var branch in branches)
        {
            var mark = context.Mark;
            if (context.ValidateBranch(branch, instance))
            {
                matched = true;
                // Later branches only matter for the properties/items they evaluate (unevaluated*).
                if (context.Annotations is null)
                {
                    return;
                }
            }
            else if (matched)
            {
                context.TakeSince(mark);
            }
            else
            {
                (failures ??= new(branches.Count)).Add(context.TakeSince(mark));
            }
        }

        if (!matched)
        {
            context.Report(_expected, "matched none",
                $"must match at least one of {branches.Count} alternatives, but matched none; {BranchFailures.Closest(failures!)}");
        }
    }
}

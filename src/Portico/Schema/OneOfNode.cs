using System.Text.Json;

namespace Portico.Schema;

/// <summary>
/// The <c>oneOf</c> keyword: exactly one branch may match. Every branch runs, since a second match
/// is as much a violation as none.
/// </summary>
internal sealed class OneOfNode(IReadOnlyList<SchemaNode> branches) : SchemaNode
{
    private readonly string _expected = $"exactly one of {branches.Count} schemas (oneOf)";

    public override IEnumerable<SchemaNode> InPlaceChildren => branches;

    public override void Validate(JsonElement instance, ValidationContext context)
    {
        var failures = new List<List<SchemaViolation>>(branches.Count);
        var matched = new List<int>();
        for (var i = 0; i < branches.Count; i++)
        {
            var mark = context.Mark;
            if (context.ValidateBranch(branches[i], instance))
            {
                matched.Add(i + 1);
            }
            else
            {
                failures.Add(context.TakeSince(mark));
            }
        }

        if (matched.Count == 0)
        {
            context.Report(_expected, "matched none",
                $"must match exactly one of {branches.Count} alternatives, but matched none; {BranchFailures.Closest(failures)}");
        }
        else if (matched.Count > 1)
        {
            var which = string.Join(", ", matched.Select(n => "#" + n));
            context.Report(_expected, $"matched {matched.Count} ({which})",
                $"must match exactly one of {branches.Count} alternatives, but matched {matched.Count} ({which}); make it fit only one.");
        }
    }
}

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
        var failures = new List<List<SchemaViolation>>(branches.Count);
        foreach (var branch in branches)
        {
            var mark = context.Mark;
            context.ValidateBranch(branch, instance);
            if (context.Mark == mark)
            {
                return;
            }

            failures.Add(context.TakeSince(mark));
        }

        context.Report(_expected, "matched none",
            $"must match at least one of {branches.Count} alternatives, but matched none; {BranchFailures.Closest(failures)}");
    }
}

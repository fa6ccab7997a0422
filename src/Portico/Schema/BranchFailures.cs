namespace Portico.Schema;

/// <summary>Summarises why anyOf/oneOf branches failed, for the one violation that stands for them.</summary>
internal static class BranchFailures
{
    public static string Closest(IReadOnlyList<List<SchemaViolation>> failures)
    {
        var best = 0;
        for (var i = 1; i < failures.Count; i++)
        {
            if (failures[i].Count < failures[best].Count)
            {
                best = i;
            }
        }

        var problems = failures[best];
        var more = problems.Count > 1 ? $" (and {problems.Count - 1} more)" : "";
        return $"closest is alternative #{best + 1}: {problems[0].Message}{more}";
    }
}

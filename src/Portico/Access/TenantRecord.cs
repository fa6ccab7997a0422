namespace Portico.Access;

internal sealed class TenantRecord
{
    public required string Id { get; set; }

    public required string Name { get; set; }

    /// <summary>Billing plan key (<c>basic</c>, <c>pro</c>, <c>pro_plus</c>, or an alias of basic).</summary>
    public required string PlanKey { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

namespace Portico.Access;

internal sealed class MembershipRecord
{
    public required string TenantId { get; set; }

    public required string UserId { get; set; }

    /// <summary><c>owner</c>, <c>admin</c> or <c>member</c>.</summary>
    public required string Role { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

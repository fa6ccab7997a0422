namespace Portico.Storage;

internal sealed class UserRecord
{
    public required string Id { get; set; }

    /// <summary>Lower-cased; unique.</summary>
    public required string Email { get; set; }

    public string? DisplayName { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

namespace Portico.Security;

/// <summary>One Data Protection key as the key manager wrote it (an XML element), shared by every instance on the store.</summary>
internal sealed class DataProtectionKeyRecord
{
    public long Id { get; set; }

    /// <summary>The name the key manager gave the element (e.g. <c>key-{guid}</c>); for reading the table, not for lookups.</summary>
    public required string FriendlyName { get; set; }

    public required string Xml { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

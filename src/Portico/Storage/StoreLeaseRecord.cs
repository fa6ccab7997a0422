namespace Portico.Storage;

/// <summary>A named piece of background work and the instance doing it until <see cref="Until"/> (see <see cref="StoreLease"/>).</summary>
internal sealed class StoreLeaseRecord
{
    public required string Name { get; set; }

    public required string Holder { get; set; }

    public DateTimeOffset Until { get; set; }
}

namespace Portico.Access;

/// <summary>Who is calling: the identity a session belongs to and whose permissions apply.</summary>
internal sealed record Principal(string Id, string Kind)
{
    /// <summary>A caller without credentials (development mode on loopback only).</summary>
    public static readonly Principal Anonymous = new("anonymous", "anonymous");
}

using Portico.Access;

namespace Portico.Catalog;

/// <summary>A user's sign-in attached to a session by the <c>authenticate</c> tool: the grant it came from, whom calls act as, and until when.</summary>
internal sealed record SessionAuthorization(string GrantId, Principal Principal, DateTimeOffset ExpiresAt);

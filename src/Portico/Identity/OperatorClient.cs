namespace Portico.Identity;

/// <summary>
/// What only an operator can give a client (<c>portico clients add</c>): for <c>client_credentials</c>, the service
/// principal (a user id) its tokens act as and the tenant they are bound to; and whether it may introspect any token.
/// </summary>
internal sealed record OperatorClient(string? ServiceUserId, string? TenantId, bool MayIntrospect);

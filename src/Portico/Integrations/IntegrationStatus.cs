namespace Portico.Integrations;

/// <summary>
/// One integration as a tenant's owners see it (admin API, CLI, portal): what it is, where to get its secret, and whether
/// the tenant has stored one, when and by whom — never the secret.
/// </summary>
internal sealed record IntegrationStatus(
    string Name,
    string Title,
    string Description,
    string Secret,
    string WhereToGet,
    bool Configured,
    DateTimeOffset? UpdatedAt,
    string? UpdatedBy,
    bool Accounts = false,
    int AccountCount = 0)
{
    public static IntegrationStatus Of(IntegrationDefinition definition, TenantIntegrationRecord? record)
        => new(definition.Name, definition.Title, definition.Description, definition.Secret, definition.WhereToGet,
            record is not null, record?.UpdatedAt, record?.UpdatedBy);

    /// <summary>An integration connected by accounts: configured while the tenant has at least one.</summary>
    public static IntegrationStatus OfAccounts(IntegrationDefinition definition, IReadOnlyList<TenantAccountRecord> accounts)
        => new(definition.Name, definition.Title, definition.Description, definition.Secret, definition.WhereToGet,
            accounts.Count > 0, accounts.Count > 0 ? accounts.Max(a => a.ConnectedAt) : null, null, Accounts: true, AccountCount: accounts.Count);
}

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
    string? UpdatedBy)
{
    public static IntegrationStatus Of(IntegrationDefinition definition, TenantIntegrationRecord? record)
        => new(definition.Name, definition.Title, definition.Description, definition.Secret, definition.WhereToGet,
            record is not null, record?.UpdatedAt, record?.UpdatedBy);
}

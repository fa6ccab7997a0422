using System.Text.RegularExpressions;

namespace Portico.Integrations;

/// <summary>
/// A service some tools use on a tenant's behalf, connected by a secret the tenant stores (an API key): declared by
/// whoever provides those tools (<c>services.AddIntegration(...)</c>), set only by a tenant's owners and admins in the
/// portal, the admin API or the CLI — never by an MCP tool.
/// </summary>
internal sealed partial record IntegrationDefinition
{
    /// <summary><c>[a-z0-9-]{1,40}</c>: what tools name in <c>ToolDefinition.Integration</c> and URLs carry.</summary>
    public required string Name { get; init; }

    /// <summary>What people call the service, e.g. "Payments".</summary>
    public required string Title { get; init; }

    /// <summary>What connecting it enables.</summary>
    public required string Description { get; init; }

    /// <summary>What the secret is, e.g. "A secret API key (starts with sk_live_)".</summary>
    public required string Secret { get; init; }

    /// <summary>Where a tenant owner gets the secret, e.g. "Dashboard → Developers → API keys".</summary>
    public required string WhereToGet { get; init; }

    /// <summary>
    /// Connected by OAuth accounts instead of a pasted secret (an OAuth connector): a tenant connects one or more accounts in the
    /// portal (<see cref="TenantAccountStore"/>), and each call names the one to act as. <see cref="Secret"/> then says what to connect.
    /// </summary>
    public bool Accounts { get; init; }

    /// <summary>Throws, naming the definition and the rule, when a field is unusable: caught at start-up, not at the first call.</summary>
    public void Validate()
    {
        if (Name is null || !NamePattern().IsMatch(Name))
        {
            throw new InvalidOperationException($"Integration name '{Name}' is invalid: use 1 to 40 of a-z, 0-9 and '-'.");
        }

        foreach (var (field, value) in new[] { ("Title", Title), ("Description", Description), ("Secret", Secret), ("WhereToGet", WhereToGet) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new InvalidOperationException($"Integration '{Name}' needs a {field}: the portal shows it to the people who connect it.");
            }
        }
    }

    [GeneratedRegex("^[a-z0-9-]{1,40}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}

using Portico.Catalog;

namespace Portico.Tools.Workflows;

/// <summary>
/// A webhook trigger: its id (the trigger id, in the path <c>/hooks/{id}</c>), its signing secret encrypted with Data
/// Protection for this row, and whom its runs act as (the credential that defined the triggers, as a schedule's do).
/// </summary>
internal sealed class WorkflowHookEntity : ITenantOwned
{
    /// <summary>The trigger id, <c>trg_</c> and 24 lowercase hex characters.</summary>
    public required string Id { get; set; }

    public required string TenantId { get; set; }

    public required string WorkflowId { get; set; }

    /// <summary>The HMAC-SHA256 signing secret, encrypted for this hook (<see cref="WorkflowHooks.SecretPurpose"/>).</summary>
    public required byte[] Secret { get; set; }

    public required string OwnerId { get; set; }

    public required string CredentialKind { get; set; }

    public string? CredentialId { get; set; }

    public required string Scopes { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

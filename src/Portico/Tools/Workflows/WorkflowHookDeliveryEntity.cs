namespace Portico.Tools.Workflows;

/// <summary>
/// A delivery a webhook accepted: its id (the sender's <c>X-Portico-Delivery</c>) is unique per hook in the store, so the
/// same delivery sent again, to any instance, finds the run the first one started instead of starting another.
/// </summary>
internal sealed class WorkflowHookDeliveryEntity
{
    public required string HookId { get; set; }

    public required string DeliveryId { get; set; }

    public required string RunId { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }
}

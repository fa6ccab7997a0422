namespace Portico.Tools.Workflows;

/// <summary>A delivery whose signature the hook's scheme verified: the endpoint starts its run from this, never from the request again.</summary>
internal sealed record WorkflowHookDelivery(WorkflowHookEntity Hook, WorkflowEntity Workflow, string DeliveryId, byte[] Body);

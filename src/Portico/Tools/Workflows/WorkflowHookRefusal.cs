namespace Portico.Tools.Workflows;

/// <summary>Why a webhook delivery was refused: the status and the JSON error the sender gets.</summary>
internal sealed record WorkflowHookRefusal(int Status, string Error, string Message, string Hint);

namespace Portico.Tools.Workflows;

/// <summary>A template that cannot be read, or names a value the run does not have: the step's error.</summary>
internal sealed class WorkflowTemplateException(string message) : Exception(message);

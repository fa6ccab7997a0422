namespace Portico.Catalog;

/// <summary>How a tool takes part in the tasks extension (<c>io.modelcontextprotocol/tasks</c>).</summary>
internal enum TaskSupport
{
    /// <summary>Always answered in the call's own response.</summary>
    Forbidden,

    /// <summary>Runs as a task when the client declared the extension, else answered in the response.</summary>
    Optional,

    /// <summary>Only runs as a task: a client that did not declare the extension is refused with -32021.</summary>
    Required,
}

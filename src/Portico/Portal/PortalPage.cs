using Microsoft.AspNetCore.Components;

namespace Portico.Portal;

/// <summary>
/// The base of every portal page: the request (static server rendering: one request, one render, no circuit), who is
/// looking, and a message to show after a form was handled. A page that answers a failed form sets the status too.
/// </summary>
public abstract class PortalPage : ComponentBase
{
    [CascadingParameter]
    public HttpContext HttpContext { get; set; } = null!;

    [Inject]
    internal PortalViewer Viewer { get; set; } = null!;

    /// <summary>The outcome of the form this request posted, shown above the page's content.</summary>
    protected string? Notice { get; set; }

    /// <summary>Why the form this request posted was refused, with what to do; the response status says so too.</summary>
    protected string? Problem { get; private set; }

    protected CancellationToken Aborted => HttpContext.RequestAborted;

    protected string RequestId => HttpContext.TraceIdentifier;

    protected sealed override Task OnInitializedAsync() => OnPageInitializedAsync();

    protected virtual Task OnPageInitializedAsync() => Task.CompletedTask;

    /// <summary>Shows the refusal on the page and answers with <paramref name="status"/> (400 unless said otherwise).</summary>
    protected void Refuse(string message, string? hint = null, int status = StatusCodes.Status400BadRequest)
    {
        Problem = hint is null ? message : $"{message} {hint}";
        HttpContext.Response.StatusCode = status;
    }
}

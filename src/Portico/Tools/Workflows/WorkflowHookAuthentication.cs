using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portico.Hosting;
using Portico.Storage;

namespace Portico.Tools.Workflows;

/// <summary>
/// The credential of <c>POST /hooks/{id}</c> is its signature: this scheme authenticates a delivery by the hook's
/// HMAC-SHA256 secret over the timestamp, the delivery id and the raw body, and the endpoint's policy
/// (<see cref="PolicyName"/>) requires it, so the endpoint is covered by the default-deny model like every other. In
/// order, cheapest first: a body over the limit is refused before anything is read (413); an unknown hook, a deleted or
/// deactivated workflow's answer the same 404; then the headers, the timestamp window and the signature (401).
/// </summary>
internal sealed partial class WorkflowHookAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    WorkflowHooks hooks,
    IOptionsMonitor<WorkflowOptions> options,
    TimeProvider time) : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, loggerFactory, encoder)
{
    public const string SchemeName = "PorticoWebhookSignature";
    public const string PolicyName = "portico.workflow.hook";
    public const string RouteValue = "id";

    private const string SigningHint = "Sign each delivery: X-Portico-Timestamp: <unix seconds>, X-Portico-Delivery: <unique id>, X-Portico-Signature: sha256=<hex HMAC-SHA256 of \"{timestamp}.{delivery}.{raw body}\" with the hook's secret> (docs/workflows.md).";

    private WorkflowHookRefusal? _refusal;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var settings = options.CurrentValue;
        if (Request.ContentLength > settings.WebhookMaxBodyBytes)
        {
            return Refuse(TooLarge(settings));
        }

        var id = Request.RouteValues[RouteValue] as string;
        var found = id is not null && HookId().IsMatch(id) ? await FindAsync(id) : null;
        if (found is not { } hook)
        {
            return Refuse(NotFound);
        }

        var timestamp = Single(TimestampHeaderName);
        var delivery = Single(DeliveryHeaderName);
        var signature = Single(SignatureHeaderName);
        if (timestamp is null || delivery is null || signature is null)
        {
            return Refuse(new(StatusCodes.Status401Unauthorized, "signature_required",
                $"A delivery needs exactly one of each header {WorkflowHooks.TimestampHeader}, {WorkflowHooks.DeliveryHeader} and {WorkflowHooks.SignatureHeader}.", SigningHint));
        }

        if (!DeliveryId().IsMatch(delivery))
        {
            return Refuse(new(StatusCodes.Status401Unauthorized, "invalid_delivery_id",
                $"{WorkflowHooks.DeliveryHeader} must be 1–128 characters of letters, digits, '.', '_', ':' or '-'.", "Send a unique id per delivery, such as a UUID; a retry of one delivery sends the same id."));
        }

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds > 253402300799
            || (time.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > settings.WebhookTolerance)
        {
            return Refuse(new(StatusCodes.Status401Unauthorized, "stale_timestamp",
                $"{WorkflowHooks.TimestampHeader} must be the time of signing in unix seconds, within {settings.WebhookTolerance.TotalSeconds:0} seconds of the server's clock; older deliveries are refused as replays.",
                "Sign each attempt anew with the current time (a retry keeps its delivery id), and keep the sender's clock in sync."));
        }

        var (body, length, tooLarge) = await RequestBodies.ReadAsync(Context, settings.WebhookMaxBodyBytes, Context.RequestAborted);
        if (tooLarge)
        {
            return Refuse(TooLarge(settings));
        }

        var bytes = body.AsSpan(0, length).ToArray();
        System.Buffers.ArrayPool<byte>.Shared.Return(body!);
        string secret;
        try
        {
            secret = hooks.SecretOf(hook.Hook);
        }
        catch (CryptographicException ex)
        {
            LogSecretUnreadable(Logger, ex, hook.Hook.Id);
            return Refuse(new(StatusCodes.Status401Unauthorized, "invalid_signature", "The hook's secret cannot be read on this server.",
                "Define the webhook trigger again with update_workflow to get a new secret."));
        }

        if (!WorkflowHooks.Verify(secret, timestamp, delivery, bytes, signature))
        {
            return Refuse(new(StatusCodes.Status401Unauthorized, "invalid_signature", "The signature does not match this delivery.", SigningHint));
        }

        Context.Features.Set(new WorkflowHookDelivery(hook.Hook, hook.Workflow, delivery, bytes));
        var identity = new ClaimsIdentity([new Claim("hook", hook.Hook.Id)], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    /// <summary>Writes the refusal: a small JSON error with a hint, never a bearer challenge (a sender has no bearer credential to offer).</summary>
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        await HandleAuthenticateOnceSafeAsync();
        var refusal = _refusal ?? NotFound;
        await JsonErrors.WritePlainAsync(Context, refusal.Status, refusal.Error, refusal.Message, refusal.Hint);
    }

    private static readonly WorkflowHookRefusal NotFound = new(StatusCodes.Status404NotFound, "not_found", "No active webhook has this id.",
        "Use the path create_workflow or update_workflow returned for a webhook trigger of an active workflow.");

    private static WorkflowHookRefusal TooLarge(WorkflowOptions settings) => new(StatusCodes.Status413PayloadTooLarge, "payload_too_large",
        $"A delivery's body may be at most {settings.WebhookMaxBodyBytes} bytes.", "Send less: pass an id the workflow's steps can fetch, rather than the whole document.");

    private const string TimestampHeaderName = WorkflowHooks.TimestampHeader;
    private const string DeliveryHeaderName = WorkflowHooks.DeliveryHeader;
    private const string SignatureHeaderName = WorkflowHooks.SignatureHeader;

    private AuthenticateResult Refuse(WorkflowHookRefusal refusal)
    {
        _refusal = refusal;
        return AuthenticateResult.Fail(refusal.Message);
    }

    private string? Single(string header) => Request.Headers[header] is { Count: 1 } values && !string.IsNullOrEmpty(values[0]) ? values[0] : null;

    /// <summary>The hook and its workflow, when the workflow exists and is active; null otherwise (one answer for all).</summary>
    private async Task<(WorkflowHookEntity Hook, WorkflowEntity Workflow)?> FindAsync(string id)
    {
        var db = Context.RequestServices.GetRequiredService<PorticoDbContext>();
        var found = await (
                from h in db.Set<WorkflowHookEntity>()
                join w in db.Set<WorkflowEntity>() on new { h.TenantId, Id = h.WorkflowId } equals new { w.TenantId, w.Id }
                where h.Id == id && w.ActivatedAt != null
                select new { Hook = h, Workflow = w })
            .AsNoTracking().FirstOrDefaultAsync(Context.RequestAborted);
        return found is null ? null : (found.Hook, found.Workflow);
    }

    [GeneratedRegex("^trg_[0-9a-f]{24}$")]
    private static partial Regex HookId();

    [GeneratedRegex("^[A-Za-z0-9._:-]{1,128}$")]
    private static partial Regex DeliveryId();

    [LoggerMessage(EventId = 1630, Level = LogLevel.Warning, Message = "The secret of webhook {HookId} cannot be decrypted (data protection keys changed?)")]
    private static partial void LogSecretUnreadable(ILogger logger, Exception exception, string hookId);
}

using Portico.Policy.RateLimiting;

namespace Portico.Identity;

/// <summary>
/// Throttles guessing user codes on the device page (RFC 8628 §5.1): each wrong code counts against the
/// caller's address in the store's shared rate-limit windows (global across instances); past the limit
/// the page refuses every code, right or wrong, until the window slides.
/// </summary>
internal sealed class DeviceCodeGuesses(IRateLimitStore store, TimeProvider time)
{
    public const int Limit = 10;

    public static readonly TimeSpan Window = TimeSpan.FromMinutes(10);

    /// <summary>How long this caller must wait before trying a code again, or null when it may try.</summary>
    public async Task<TimeSpan?> BlockedForAsync(HttpContext context)
    {
        var decision = await store.PeekAsync(Key(context), Limit, Window, time.GetUtcNow(), context.RequestAborted);
        return decision.Allowed ? null : TimeSpan.FromSeconds(decision.RetryAfterSeconds);
    }

    public async Task RecordWrongAsync(HttpContext context)
        => await store.TryAcquireAsync(Key(context), Limit, Window, time.GetUtcNow(), context.RequestAborted);

    private static string Key(HttpContext context) => "device-code-guess:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
}

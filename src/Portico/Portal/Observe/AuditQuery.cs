using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Portico.Access;
using Portico.Policy.Audit;
using Portico.Storage;

namespace Portico.Portal.Observe;

/// <summary>
/// The audit search as the portal's query string carries it (so a search is a link: paged, bookmarked, exported with the
/// same filters). Read by the search page and the export alike; turned into the one <see cref="AuditFilter"/>.
/// </summary>
internal sealed record AuditQuery(string? Q, string? Session, string? Tenant, string? User, string? Tool, string? Code, string? From, string? To, string? After)
{
    /// <summary>The time inputs' format (an HTML datetime-local value), read as UTC.</summary>
    public const string TimeFormat = "yyyy-MM-ddTHH:mm";

    /// <summary>Longest text the search box takes: an error message with its request id, pasted whole.</summary>
    public const int MaxPastedLength = 2000;

    public static AuditQuery Read(IQueryCollection query)
    {
        string? Get(string name) => query[name].ToString().Trim() is { Length: > 0 } value ? value : null;
        return new AuditQuery(Get("q"), Get("session"), Get("tenant"), Get("user"), Get("tool"), Get("code"), Get("from"), Get("to"), Get("after"));
    }

    public bool IsEmpty => this with { After = null } == new AuditQuery(null, null, null, null, null, null, null, null, null);

    /// <summary>The filter this search asks for; <see cref="AccessException"/> (message and hint) when a field cannot be one.</summary>
    public async Task<AuditFilter> ToFilterAsync(PorticoDbContext db, CancellationToken cancellationToken)
    {
        foreach (var (name, value) in Fields())
        {
            // The search box takes a whole pasted error message; the other fields take one id or name.
            if (value?.Length > (name == "q" ? MaxPastedLength : AuditSearch.MaxFilterLength))
            {
                throw new AccessException($"The {name} filter is longer than {(name == "q" ? MaxPastedLength : AuditSearch.MaxFilterLength)} characters.",
                    "Paste only the id or the name you are looking for (a request id is at most 128 characters).");
            }
        }

        string? requestId = null;
        if (Q is not null)
        {
            requestId = AuditSearch.RequestIdFrom(Q)
                ?? throw new AccessException("The search box holds no request id.",
                    "Paste the X-Request-Id a client received, or an error message with its \"(request id: …)\".");
        }

        string? userId = null;
        if (User is not null)
        {
            var email = User.ToLowerInvariant();
            // An unknown email matches no call, like any other filter that matches nothing: the search is no directory of users.
            userId = await db.Set<UserRecord>().AsNoTracking().Where(u => u.Email == email || u.Id == User).Select(u => u.Id).FirstOrDefaultAsync(cancellationToken) ?? User;
        }

        var from = Time(From, "from");
        var to = Time(To, "to");
        if (from is not null && to is not null && to <= from)
        {
            throw new AccessException("The time range ends before it starts.", "Set \"From\" to a time before \"Before\".");
        }

        return new AuditFilter(requestId, Session, Tenant, userId, Tool, Code, from, to);
    }

    /// <summary>This search as a query string (without the page cursor unless given), for the next page and the export links.</summary>
    public string ToQueryString(string? after = null, string? format = null)
    {
        var text = new StringBuilder();
        foreach (var (name, value) in Fields().Append(("format", format)).Append(("after", after)))
        {
            if (value is not null)
            {
                text.Append(text.Length == 0 ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
            }
        }

        return text.ToString();
    }

    private IEnumerable<(string Name, string? Value)> Fields()
        => [("q", Q), ("session", Session), ("tenant", Tenant), ("user", User), ("tool", Tool), ("code", Code), ("from", From), ("to", To)];

    private static DateTimeOffset? Time(string? value, string name)
    {
        if (value is null)
        {
            return null;
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            ? at
            : throw new AccessException($"The \"{name}\" time '{value}' is not a time.", "Use the date and time picker, or write it as 2026-01-01T09:00 (UTC).");
    }
}

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ModelContextProtocol.Protocol;
using Portico.Catalog;

namespace Portico.Tools.Records;

/// <summary>
/// Scheduled publishing (seed 000's content items): an entity of a publishable model is published from its
/// <c>publishAt</c> until its <c>unpublishAt</c>. The state is never stored: every read computes it from the two dates and
/// the clock (<see cref="TimeProvider"/>) — in SQL for queries — so an entity scheduled for 10:00 is published at 10:00
/// with no job having to run, on every instance alike.
/// </summary>
internal static partial class Publication
{
    public const string TimestampHint = "Pass an RFC 3339 UTC or offset timestamp, e.g. \"2026-03-01T10:00:00Z\" or \"2026-03-01T11:00:00+01:00\"; null for none.";

    public static bool IsPublished(PublishSchedule schedule, DateTimeOffset now)
        => schedule.PublishAt is { } from && from <= now && (schedule.UnpublishAt is not { } until || now < until);

    /// <summary>The same rule as <see cref="IsPublished"/>, as an SQL condition over the stored columns (milliseconds) at <paramref name="now"/>.</summary>
    public static string Condition(EntitySql sql, DateTimeOffset now)
    {
        var at = sql.Add(now.ToUnixTimeMilliseconds());
        return $"(publish_at IS NOT NULL AND publish_at <= {at} AND (unpublish_at IS NULL OR unpublish_at > {at}))";
    }

    /// <summary>
    /// The <c>publishAt</c> and <c>unpublishAt</c> of <paramref name="source"/> (absent or null: none), validated: RFC 3339
    /// timestamps, and <c>unpublishAt</c> only with a <c>publishAt</c> and after it. <paramref name="given"/> says whether
    /// either was passed at all.
    /// </summary>
    public static CallToolResult? Schedule(ToolInvocation invocation, JsonElement source, string prefix, out PublishSchedule schedule, out bool given)
    {
        schedule = default;
        given = source.TryGetProperty("publishAt", out _) || source.TryGetProperty("unpublishAt", out _);
        if (Timestamp(invocation, source, "publishAt", prefix + "publishAt", out var publishAt) is { } invalidPublish)
        {
            return invalidPublish;
        }

        if (Timestamp(invocation, source, "unpublishAt", prefix + "unpublishAt", out var unpublishAt) is { } invalidUnpublish)
        {
            return invalidUnpublish;
        }

        if (unpublishAt is { } until)
        {
            var received = RecordArguments.Describe(source.GetProperty("unpublishAt"), present: true);
            if (publishAt is not { } from)
            {
                return RecordArguments.Invalid(invocation, prefix + "unpublishAt", "null when publishAt is null (a draft is never published, so it cannot be unpublished)", received,
                    "Set publishAt too (when the entity goes live), or leave unpublishAt out.");
            }

            if (until <= from)
            {
                return RecordArguments.Invalid(invocation, prefix + "unpublishAt", $"a time after publishAt ({RecordResults.Timestamp(from)})", received,
                    "unpublishAt must be later than publishAt: the entity is published from publishAt until unpublishAt. Leave unpublishAt out to keep it published.");
            }
        }

        schedule = new PublishSchedule(publishAt, unpublishAt);
        return null;
    }

    /// <summary>The schedule and computed state as an entity shows them (publishable models only).</summary>
    public static void AddTo(JsonObject entity, PublishSchedule schedule, bool published)
    {
        entity["publishAt"] = schedule.PublishAt is { } from ? RecordResults.Timestamp(from) : null;
        entity["unpublishAt"] = schedule.UnpublishAt is { } until ? RecordResults.Timestamp(until) : null;
        entity["published"] = published;
    }

    public static CallToolResult NotPublishable(ToolInvocation invocation, string path, string model)
        => RecordArguments.Invalid(invocation, path, $"no publish dates: model '{model}' is not publishable", "a publish date",
            "Only entities of publishable models (define_model with publishable: true, or the catalog's Basic.Article-1) have publishAt/unpublishAt; leave them out for this model.");

    private static CallToolResult? Timestamp(ToolInvocation invocation, JsonElement source, string name, string path, out DateTimeOffset? time)
    {
        time = null;
        if (!source.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String || !Rfc3339().IsMatch(value.GetString()!)
            || !DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            return RecordArguments.Invalid(invocation, path, "an RFC 3339 timestamp with a zone (e.g. \"2026-03-01T10:00:00Z\") or null", RecordArguments.Describe(value, present: true), TimestampHint);
        }

        // The store keeps milliseconds: what is returned is exactly what is compared.
        time = DateTimeOffset.FromUnixTimeMilliseconds(parsed.ToUnixTimeMilliseconds());
        return null;
    }

    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339();
}

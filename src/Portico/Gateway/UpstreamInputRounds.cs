using System.Collections.Concurrent;
using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;
using Portico.Catalog;
using Portico.Hosting;
using Portico.Policy.Audit;
using Portico.Storage;

namespace Portico.Gateway;

/// <summary>
/// The input rounds of stateless (2026-07-28) callers whose upstream asks during a call (see <see cref="UpstreamInputRound"/>).
/// The round stays on the instance holding the upstream connection; its id travels in Portico's sealed
/// <c>requestState</c>. A retry that reaches another instance (no sticky sessions) is relayed through the store: its
/// answers wait in <c>upstream_round_messages</c> for the holder (woken by <see cref="GatewayTopics.InputRounds"/>),
/// which delivers them and writes what the upstream did next (its result, or the next questions) for the instance the
/// client waits on. A round whose retry does not come within <see cref="GatewayOptions.InputRoundTimeout"/> is
/// cancelled upstream and audited (<see cref="ExpiredCode"/>).
/// </summary>
internal sealed partial class UpstreamInputRounds : IDisposable
{
    public const string AnswerKind = "answer";
    public const string StepKind = "step";

    /// <summary>The audit code of a round whose retry never came.</summary>
    public const string ExpiredCode = "INPUT_ROUND_EXPIRED";

    /// <summary>The key of Portico's round id in the handler state sealed into <c>requestState</c>.</summary>
    public const string RoundKey = "round";

    /// <summary>Messages nobody took within this are nobody's (the round or the waiting client is gone).</summary>
    public static readonly TimeSpan MessageExpiry = TimeSpan.FromMinutes(15);

    /// <summary>How long a relayed answer may wait for the instance holding its round to take it before it counts as gone.</summary>
    public static readonly TimeSpan AcceptTimeout = TimeSpan.FromSeconds(15);

    private const string Gone = "Invalid params: the upstream call this requestState continues is no longer waiting for an answer: it ended, or it was cancelled "
        + "because the answer did not come in time (Portico:Gateway:InputRoundTimeout), or the instance holding it stopped. Call again without requestState and inputResponses to start over.";

    private readonly ConcurrentDictionary<string, UpstreamInputRound> _rounds = new(StringComparer.Ordinal);
    private readonly IServiceScopeFactory _scopes;
    private readonly StoreChanges _changes;
    private readonly AuditTrail _audit;
    private readonly IOptionsMonitor<GatewayOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<UpstreamInputRounds> _logger;
    private readonly IDisposable _subscription;

    public UpstreamInputRounds(IServiceScopeFactory scopes, StoreChanges changes, AuditTrail audit, IOptionsMonitor<GatewayOptions> options, TimeProvider time,
        ILogger<UpstreamInputRounds> logger)
    {
        _scopes = scopes;
        _changes = changes;
        _audit = audit;
        _options = options;
        _time = time;
        _logger = logger;
        _subscription = changes.Subscribe(GatewayTopics.InputRounds, roundId =>
        {
            if (_rounds.TryGetValue(roundId, out var round))
            {
                _ = TakeAnswersAsync(round);
            }
        });
    }

    /// <summary>Rounds open on this instance (an upstream call waiting for its caller's answers).</summary>
    public int Count => _rounds.Count;

    /// <summary>The round a handler state continues, or null.</summary>
    public static string? RoundOf(JsonObject? state)
        => state?[RoundKey] is JsonValue value && value.TryGetValue<string>(out var id) ? id : null;

    /// <summary>
    /// Runs an upstream call for a stateless caller: its result, or — when the upstream asks first — an
    /// <see cref="InputRequired"/> with the questions and the round's id, while the call goes on waiting here.
    /// </summary>
    public async Task<CallToolResult> StartAsync(UpstreamDefinition upstream, string tool, ToolInvocation invocation,
        Func<UpstreamInputRound, CancellationToken, Task<CallToolResult>> call, CancellationToken cancellationToken)
    {
        var round = new UpstreamInputRound(tool, invocation.Call, invocation.Tenant.Tenant?.TenantId, invocation.Input.Capabilities, upstream.Timeout, _time.GetTimestamp());
        _rounds[round.Id] = round;
        round.Start(call);
        var step = await StepAsync(round, cancellationToken);
        return step.Result ?? throw step.Asked!;
    }

    /// <summary>Delivers a retry's answers to its round, here or on the instance holding it, and returns what the upstream did next.</summary>
    /// <exception cref="InputRefusedException">The round is gone, or it is another caller's.</exception>
    public async Task<CallToolResult> ContinueAsync(string roundId, ToolInvocation invocation, CancellationToken cancellationToken)
    {
        var step = _rounds.TryGetValue(roundId, out var round)
            ? await ContinueHereAsync(round, invocation.Call.Principal.Id, invocation.Input.Responses, cancellationToken)
            : await ContinueElsewhereAsync(roundId, invocation, cancellationToken);
        return step.Result ?? throw step.Asked!;
    }

    public void Dispose()
    {
        _subscription.Dispose();
        foreach (var round in _rounds.Values)
        {
            round.Cancel();
        }
    }

    private async Task<Step> ContinueHereAsync(UpstreamInputRound round, string principalId, IReadOnlyDictionary<string, InputResponse> responses, CancellationToken cancellationToken)
    {
        // The sealed state already binds the caller; the round checks again, so an id alone never continues another's call.
        if (round.Call.Principal.Id != principalId)
        {
            throw new InputRefusedException(InputRefusedException.StateInvalid, "Invalid params: 'requestState' was issued to another caller. Call again without requestState and inputResponses to start over.");
        }

        await round.Turn.WaitAsync(cancellationToken);
        try
        {
            if (round.Cancelled || !_rounds.ContainsKey(round.Id))
            {
                throw new InputRefusedException(InputRefusedException.StateInvalid, Gone);
            }

            round.Disarm();
            round.Answer(responses);
            return await StepAsync(round, cancellationToken);
        }
        finally
        {
            round.Turn.Release();
        }
    }

    /// <summary>What the upstream does next: ends (its result), or asks (the open questions; the round waits for the retry).</summary>
    private async Task<Step> StepAsync(UpstreamInputRound round, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(round.UpstreamTimeout);
        IReadOnlyDictionary<string, InputRequest>? questions;
        try
        {
            questions = await round.NextAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            End(round);
            return new(ToolError.Result("UPSTREAM_TIMEOUT", $"The upstream did not answer '{round.Tool}' within {round.UpstreamTimeout.TotalSeconds:0.#} s.",
                "Retry later, or ask an operator to raise the upstream's timeout (portico upstreams add --timeout).", round.Call.RequestId), null);
        }
        catch (OperationCanceledException)
        {
            // The caller cancelled (or the tool's timeout ran out): nobody will take the upstream's result.
            End(round);
            throw;
        }

        if (questions is null)
        {
            End(round);
            try
            {
                return new(await round.Upstream, null);
            }
            catch (InputRequired asked)
            {
                // A 2026-07-28 upstream answered with an input-required result of its own: passed through, nothing waits here.
                return new(null, asked);
            }
        }

        round.Arm(_time, _options.CurrentValue.InputRoundTimeout, Expire);
        LogAsked(_logger, round.Tool, round.Id, questions.Count);
        return new(null, new InputRequired(questions, new JsonObject { [RoundKey] = round.Id }));
    }

    private void End(UpstreamInputRound round)
    {
        _rounds.TryRemove(new KeyValuePair<string, UpstreamInputRound>(round.Id, round));
        if (!round.Upstream.IsCompleted)
        {
            round.Cancel();
        }
        else
        {
            round.Disarm();
        }
    }

    /// <summary>The caller never retried: the upstream call is cancelled and the audit trail says so.</summary>
    private void Expire(UpstreamInputRound round)
    {
        if (!_rounds.TryRemove(new KeyValuePair<string, UpstreamInputRound>(round.Id, round)))
        {
            return;
        }

        round.Cancel();
        var timeout = _options.CurrentValue.InputRoundTimeout;
        LogExpired(_logger, round.Tool, round.Id, round.Call.RequestId, timeout.TotalSeconds);
        var record = new AuditRecord
        {
            At = _time.GetUtcNow(),
            RequestId = round.Call.RequestId,
            UserId = round.Call.Principal.IsAnonymous ? null : round.Call.Principal.Id,
            CredentialId = round.Call.Principal.CredentialId,
            TenantId = round.TenantId,
            Tool = round.Tool,
            Outcome = "error",
            ErrorCode = ExpiredCode,
            DurationMs = (long)_time.GetElapsedTime(round.Started).TotalMilliseconds,
        };
        _ = _audit.RecordAsync(record, CancellationToken.None).ContinueWith(t => LogAuditFailed(_logger, t.Exception!, round.Id),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    /// <summary>
    /// The retry reached an instance that does not hold the round: the answers go through the store to the one that
    /// does, and this instance waits for what the upstream did next.
    /// </summary>
    private async Task<Step> ContinueElsewhereAsync(string roundId, ToolInvocation invocation, CancellationToken cancellationToken)
    {
        using var woken = new SemaphoreSlim(0);
        using var subscription = _changes.Subscribe(GatewayTopics.InputRounds, subject =>
        {
            if (subject == roundId)
            {
                try
                {
                    woken.Release();
                }
                catch (ObjectDisposedException)
                {
                    // The wait ended while this change was being raised.
                }
            }
        });
        var answers = new JsonObject();
        foreach (var (key, response) in invocation.Input.Responses)
        {
            answers[key] = JsonSerializer.SerializeToNode(response.RawValue, McpJson.Options.GetTypeInfo(typeof(JsonElement)));
        }

        var answerId = await WriteAsync(roundId, AnswerKind, new JsonObject { ["principal"] = invocation.Call.Principal.Id, ["responses"] = answers }, cancellationToken);
        LogRelayed(_logger, roundId, invocation.Call.RequestId);
        var accepted = false;
        var acceptBy = Task.Delay(AcceptTimeout, _time, cancellationToken);
        Task? wake = null;
        while (true)
        {
            if (await TakeAsync(roundId, StepKind, cancellationToken) is { } step)
            {
                return Parse(step);
            }

            if (!accepted && acceptBy.IsCompleted)
            {
                await acceptBy;
                // Still there: no instance holds the round any more. Taking it back makes sure nobody delivers it later.
                if (await DeleteAsync(answerId, cancellationToken))
                {
                    throw new InputRefusedException(InputRefusedException.StateInvalid, Gone);
                }

                accepted = true;
            }

            // One wait at a time: an abandoned one would take the next wake-up for itself.
            wake ??= woken.WaitAsync(cancellationToken);
            await (accepted ? wake : Task.WhenAny(wake, acceptBy));
            if (wake.IsCompleted)
            {
                await wake;
                wake = null;
            }
        }
    }

    /// <summary>On the instance holding the round: takes the answers relayed for it, delivers them, and writes the next step back.</summary>
    private async Task TakeAnswersAsync(UpstreamInputRound round)
    {
        try
        {
            while (await TakeAsync(round.Id, AnswerKind, CancellationToken.None) is { } relayed)
            {
                var responses = new Dictionary<string, InputResponse>(StringComparer.Ordinal);
                foreach (var (key, value) in relayed["responses"] as JsonObject ?? [])
                {
                    if (value?.Deserialize(McpJson.Options.GetTypeInfo(typeof(InputResponse))) is InputResponse response)
                    {
                        responses[key] = response;
                    }
                }

                JsonObject next;
                try
                {
                    var step = await ContinueHereAsync(round, relayed["principal"]?.GetValue<string>() ?? "", responses, CancellationToken.None);
                    next = step.Result is { } result
                        ? new JsonObject { ["result"] = JsonSerializer.SerializeToNode(result, McpJson.Options.GetTypeInfo(typeof(CallToolResult))) }
                        : new JsonObject
                        {
                            ["asked"] = JsonSerializer.SerializeToNode(new Dictionary<string, InputRequest>(step.Asked!.Requests), McpJson.Options.GetTypeInfo(typeof(Dictionary<string, InputRequest>))),
                            ["state"] = step.Asked.State?.DeepClone(),
                        };
                }
                catch (InputRefusedException refused)
                {
                    next = new JsonObject { ["refused"] = refused.Message };
                }

                await WriteAsync(round.Id, StepKind, next, CancellationToken.None);
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ObjectDisposedException or DbException)
        {
            LogTakeFailed(_logger, ex, round.Id);
        }
    }

    private static Step Parse(JsonObject step)
    {
        if (step["result"] is JsonObject result)
        {
            return new(result.Deserialize(McpJson.Options.GetTypeInfo(typeof(CallToolResult))) as CallToolResult ?? new CallToolResult(), null);
        }

        if (step["asked"] is JsonObject asked)
        {
            var requests = asked.Deserialize(McpJson.Options.GetTypeInfo(typeof(Dictionary<string, InputRequest>))) as Dictionary<string, InputRequest> ?? [];
            return new(null, new InputRequired(requests, step["state"]?.DeepClone() as JsonObject));
        }

        throw new InputRefusedException(InputRefusedException.StateInvalid, step["refused"]?.GetValue<string>() ?? Gone);
    }

    private async Task<long> WriteAsync(string roundId, string kind, JsonObject message, CancellationToken cancellationToken)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        var messages = db.Set<UpstreamRoundMessageRecord>();
        // Left-overs (a client that gave up, an instance that stopped) go with the next write.
        var cutoff = _time.GetUtcNow() - MessageExpiry;
        await messages.Where(m => m.CreatedAt < cutoff).ExecuteDeleteAsync(cancellationToken);
        var record = new UpstreamRoundMessageRecord { RoundId = roundId, Kind = kind, Message = message.ToJsonString(), CreatedAt = _time.GetUtcNow() };
        messages.Add(record);
        await db.SaveChangesAsync(cancellationToken);
        return record.Id;
    }

    /// <summary>The oldest waiting message of the kind for the round, taken (deleted) by this instance; null when there is none.</summary>
    private async Task<JsonObject?> TakeAsync(string roundId, string kind, CancellationToken cancellationToken)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var messages = scope.ServiceProvider.GetRequiredService<PorticoDbContext>().Set<UpstreamRoundMessageRecord>();
        foreach (var waiting in await messages.AsNoTracking().Where(m => m.RoundId == roundId && m.Kind == kind).OrderBy(m => m.Id).ToListAsync(cancellationToken))
        {
            // Of two wake-ups, or two instances, only the one whose delete took the row has it.
            if (await messages.Where(m => m.Id == waiting.Id).ExecuteDeleteAsync(cancellationToken) == 1)
            {
                return JsonNode.Parse(waiting.Message) as JsonObject;
            }
        }

        return null;
    }

    private async Task<bool> DeleteAsync(long id, CancellationToken cancellationToken)
    {
        await using var scope = _scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PorticoDbContext>().Set<UpstreamRoundMessageRecord>()
            .Where(m => m.Id == id).ExecuteDeleteAsync(cancellationToken) == 1;
    }

    /// <summary>What an upstream call did next: its result, or the questions of the next round.</summary>
    private sealed record Step(CallToolResult? Result, InputRequired? Asked);

    [LoggerMessage(EventId = 1260, Level = LogLevel.Information, Message = "{Tool}: the upstream asks the stateless caller {Count} question(s) (round {RoundId})")]
    private static partial void LogAsked(ILogger logger, LogValue tool, string roundId, int count);

    [LoggerMessage(EventId = 1261, Level = LogLevel.Warning, Message = "{Tool}: no answer came for round {RoundId} (request {RequestId}) within {Seconds} s; the upstream call is cancelled")]
    private static partial void LogExpired(ILogger logger, LogValue tool, string roundId, string requestId, double seconds);

    [LoggerMessage(EventId = 1262, Level = LogLevel.Information, Message = "Round {RoundId} is held by another instance; relayed the answers of request {RequestId} through the store")]
    private static partial void LogRelayed(ILogger logger, string roundId, string requestId);

    [LoggerMessage(EventId = 1263, Level = LogLevel.Warning, Message = "Taking the relayed answers of round {RoundId} failed")]
    private static partial void LogTakeFailed(ILogger logger, Exception exception, string roundId);

    [LoggerMessage(EventId = 1264, Level = LogLevel.Warning, Message = "Could not audit the expiry of round {RoundId}")]
    private static partial void LogAuditFailed(ILogger logger, Exception exception, string roundId);
}

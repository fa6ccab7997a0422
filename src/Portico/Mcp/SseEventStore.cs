using System.Collections.Concurrent;
using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Portico.Mcp;

/// <summary>
/// Keeps the last events of every SSE stream so a client that lost its connection resumes with
/// <c>Last-Event-ID</c> instead of losing responses. Bounded per stream and per session; event ids
/// name their session, this process, the stream and the position (<c>{session}-{epoch}-{stream}-{seq}</c>).
/// The epoch is random per process: stream numbers start again after a restart and on every instance,
/// and without it an old id would resume (replay) whatever stream now has that number.
/// </summary>
internal sealed class SseEventStore(IOptions<McpOptions> options) : ISseEventStreamStore
{
    private readonly ConcurrentDictionary<string, SessionStreams> _sessions = new(StringComparer.Ordinal);

    /// <summary>Names this process in its event ids (48 random bits).</summary>
    public string Epoch { get; } = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6));

    public ValueTask<ISseEventStreamWriter> CreateStreamAsync(SseEventStreamOptions streamOptions, CancellationToken cancellationToken = default)
    {
        var session = _sessions.GetOrAdd(streamOptions.SessionId, _ => new SessionStreams());
        var stream = session.Add(streamOptions, Epoch, options.Value);
        return ValueTask.FromResult<ISseEventStreamWriter>(stream);
    }

    public ValueTask<ISseEventStreamReader?> GetStreamReaderAsync(string lastEventId, CancellationToken cancellationToken = default)
        => ValueTask.FromResult<ISseEventStreamReader?>(FindReader(lastEventId));

    /// <summary>A reader positioned after <paramref name="lastEventId"/>, or null when that event is unknown or no longer kept.</summary>
    public Reader? FindReader(string lastEventId)
    {
        var parts = lastEventId.Split('-');
        if (parts.Length != 4 ||
            parts[1] != Epoch ||
            !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var index) ||
            !long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence) ||
            !_sessions.TryGetValue(parts[0], out var session) ||
            session.Find(index) is not { } stream ||
            !stream.CanResumeAfter(sequence))
        {
            return null;
        }

        return new Reader(stream, sequence);
    }

    /// <summary>Forgets a closed or expired session's streams.</summary>
    public void RemoveSession(string sessionId) => _sessions.TryRemove(sessionId, out _);

    private sealed class SessionStreams
    {
        private readonly List<Stream> _streams = [];
        private int _nextIndex;

        public Stream Add(SseEventStreamOptions streamOptions, string epoch, McpOptions settings)
        {
            lock (_streams)
            {
                var stream = new Stream(streamOptions.SessionId, streamOptions.StreamId, epoch, ++_nextIndex, streamOptions.Mode, settings);
                _streams.Add(stream);
                if (_streams.Count > settings.StreamsPerSession)
                {
                    var oldest = _streams.FindIndex(s => s.IsCompleted);
                    _streams.RemoveAt(oldest >= 0 ? oldest : 0);
                }

                return stream;
            }
        }

        public Stream? Find(int index)
        {
            lock (_streams)
            {
                return _streams.Find(s => s.Index == index);
            }
        }
    }

    internal sealed class Stream(string sessionId, string streamId, string epoch, int index, SseEventStreamMode mode, McpOptions settings) : ISseEventStreamWriter
    {
        private readonly Queue<(long Sequence, SseItem<JsonRpcMessage?> Item)> _events = new();
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private long _sequence;

        public string SessionId { get; } = sessionId;

        public string StreamId { get; } = streamId;

        public int Index { get; } = index;

        public SseEventStreamMode Mode { get; private set; } = mode;

        public bool IsCompleted { get; private set; }

        public ValueTask SetModeAsync(SseEventStreamMode newMode, CancellationToken cancellationToken = default)
        {
            lock (_events)
            {
                Mode = newMode;
                Pulse();
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask<SseItem<JsonRpcMessage?>> WriteEventAsync(SseItem<JsonRpcMessage?> sseItem, CancellationToken cancellationToken = default)
        {
            lock (_events)
            {
                var sequence = ++_sequence;
                var stored = new SseItem<JsonRpcMessage?>(sseItem.Data, sseItem.EventType)
                {
                    EventId = string.Create(CultureInfo.InvariantCulture, $"{SessionId}-{epoch}-{Index}-{sequence}"),
                    // A priming event (no data) tells the client how soon to come back.
                    ReconnectionInterval = sseItem.ReconnectionInterval ?? (sseItem.Data is null ? settings.ReconnectInterval : null),
                };
                _events.Enqueue((sequence, stored));
                while (_events.Count > settings.EventsPerStream)
                {
                    _events.Dequeue();
                }

                Pulse();
                return ValueTask.FromResult(stored);
            }
        }

        public ValueTask DisposeAsync()
        {
            lock (_events)
            {
                IsCompleted = true;
                Pulse();
            }

            return ValueTask.CompletedTask;
        }

        /// <summary>True when every event after <paramref name="sequence"/> is still kept.</summary>
        public bool CanResumeAfter(long sequence)
        {
            lock (_events)
            {
                if (sequence > _sequence)
                {
                    return false;
                }

                return _events.Count == 0 || _events.Peek().Sequence <= sequence + 1;
            }
        }

        /// <summary>Events after <paramref name="sequence"/>, whether the stream has ended or is polled, and a task that completes when something changes.</summary>
        public (List<(long Sequence, SseItem<JsonRpcMessage?> Item)> Events, bool Completed, bool Polling, Task Changed) ReadAfter(long sequence)
        {
            lock (_events)
            {
                var events = _events.Where(e => e.Sequence > sequence).ToList();
                return (events, IsCompleted, Mode == SseEventStreamMode.Polling, _changed.Task);
            }
        }

        private void Pulse()
        {
            var changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            changed.TrySetResult();
        }
    }

    internal sealed class Reader(Stream stream, long after) : ISseEventStreamReader
    {
        public string SessionId => stream.SessionId;

        public string StreamId => stream.StreamId;

        public IAsyncEnumerable<SseItem<JsonRpcMessage?>> ReadEventsAsync(CancellationToken cancellationToken = default)
            => ReadEventsAsync(follow: true, cancellationToken);

        /// <summary>
        /// The kept events after the resume point; with <paramref name="follow"/>, also new ones until
        /// the stream ends or, for a polled stream, until at least one message was delivered.
        /// </summary>
        public async IAsyncEnumerable<SseItem<JsonRpcMessage?>> ReadEventsAsync(bool follow, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            var position = after;
            var delivered = false;
            while (true)
            {
                var (events, completed, polling, changed) = stream.ReadAfter(position);
                foreach (var (sequence, item) in events)
                {
                    position = sequence;
                    if (item.Data is not null)
                    {
                        delivered = true;
                        yield return item;
                    }
                }

                // A polled stream answers each poll with what is there, but an empty answer would
                // only send the client straight back: it waits (long-polls) for the next message.
                if (!follow || completed || (polling && delivered))
                {
                    yield break;
                }

                await changed.WaitAsync(cancellationToken);
            }
        }
    }
}

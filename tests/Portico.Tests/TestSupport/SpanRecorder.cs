using System.Collections;
using System.Diagnostics;

namespace Portico.Tests.TestSupport;

/// <summary>
/// The in-memory exporter's collection, safe to read while the server exports into it. Every server of the test
/// process sees every span of the "Portico" source, so a test reads only the spans of its own trace.
/// </summary>
internal sealed class SpanRecorder : ICollection<Activity>
{
    private readonly List<Activity> _spans = [];

    public int Count
    {
        get
        {
            lock (_spans)
            {
                return _spans.Count;
            }
        }
    }

    public bool IsReadOnly => false;

    /// <summary>The spans of trace <paramref name="traceId"/> exported so far.</summary>
    public IReadOnlyList<Activity> Trace(ActivityTraceId traceId)
    {
        lock (_spans)
        {
            return [.. _spans.Where(s => s.TraceId == traceId)];
        }
    }

    public void Add(Activity item)
    {
        lock (_spans)
        {
            _spans.Add(item);
        }
    }

    public void Clear()
    {
        lock (_spans)
        {
            _spans.Clear();
        }
    }

    public bool Contains(Activity item)
    {
        lock (_spans)
        {
            return _spans.Contains(item);
        }
    }

    public void CopyTo(Activity[] array, int arrayIndex)
    {
        lock (_spans)
        {
            _spans.CopyTo(array, arrayIndex);
        }
    }

    public bool Remove(Activity item)
    {
        lock (_spans)
        {
            return _spans.Remove(item);
        }
    }

    public IEnumerator<Activity> GetEnumerator()
    {
        lock (_spans)
        {
            return _spans.ToList().GetEnumerator();
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

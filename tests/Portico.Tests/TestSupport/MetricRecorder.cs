using System.Diagnostics;
using System.Diagnostics.Metrics;
using Portico.Telemetry;

namespace Portico.Tests.TestSupport;

/// <summary>One measurement of a "Portico" instrument, with the trace that was current where it was recorded.</summary>
internal sealed record Measured(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags, ActivityTraceId Trace)
{
    public object? Tag(string name) => Tags.TryGetValue(name, out var value) ? value : null;
}

/// <summary>
/// Listens to the "Portico" meter in process. Every server of the test process records on the one static meter, so a
/// test reads the measurements of its own trace (those recorded while serving its requests) or of its own tag values.
/// </summary>
internal sealed class MetricRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly List<Measured> _measured = [];

    public MetricRecorder()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == PorticoTelemetry.Name)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((i, v, t, _) => Add(i, v, t));
        _listener.SetMeasurementEventCallback<long>((i, v, t, _) => Add(i, v, t));
        _listener.SetMeasurementEventCallback<int>((i, v, t, _) => Add(i, v, t));
        _listener.Start();
    }

    public IReadOnlyList<Measured> Of(string instrument, ActivityTraceId trace)
        => All(instrument).Where(m => m.Trace == trace).ToList();

    public IReadOnlyList<Measured> All(string instrument)
    {
        lock (_measured)
        {
            return [.. _measured.Where(m => m.Instrument == instrument)];
        }
    }

    public void Dispose() => _listener.Dispose();

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        var measured = new Measured(instrument.Name, value, copy, Activity.Current?.TraceId ?? default);
        lock (_measured)
        {
            _measured.Add(measured);
        }
    }
}

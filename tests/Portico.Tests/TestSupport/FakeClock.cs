namespace Portico.Tests.TestSupport;

/// <summary>A clock tests move by hand. Timers still tick in real time; only "now" is fake.</summary>
public sealed class FakeClock : TimeProvider
{
    private long _ticks = new DateTimeOffset(2026, 1, 1, 9, 0, 0, TimeSpan.Zero).UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}

using System.Diagnostics;

namespace Portico.Tests.TestSupport;

/// <summary>
/// The one polling helper of the suite (as YARP's tests keep one <c>DefaultTimeout</c>): wait for the condition you
/// are about to assert, on the instance you assert it on. One generous default timeout, because a shared 2-core CI
/// machine stalls; a condition that holds returns at once, so the budget costs nothing when things work.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(45);

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    /// <summary>Polls until <paramref name="condition"/> holds; fails naming <paramref name="what"/> when the timeout passes.</summary>
    public static Task AssertAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
        => AssertAsync(condition, () => what, timeout);

    /// <summary>As above, with the failure's description written when it fails (to show what a process printed meanwhile, say).</summary>
    public static async Task AssertAsync(Func<Task<bool>> condition, Func<string> what, TimeSpan? timeout = null)
    {
        var budget = timeout ?? DefaultTimeout;
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > budget)
            {
                Assert.Fail($"Timed out after {budget.TotalSeconds:0} s waiting for: {what()}");
            }

            await Task.Delay(Interval, TestContext.Current.CancellationToken);
        }
    }

    public static Task AssertAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
        => AssertAsync(() => Task.FromResult(condition()), what, timeout);

    /// <summary>Polls <paramref name="read"/> until its value satisfies <paramref name="condition"/>, and returns that value.</summary>
    public static async Task<T> ReturnsAsync<T>(Func<Task<T>> read, Func<T, bool> condition, string what, TimeSpan? timeout = null)
    {
        T value = default!;
        await AssertAsync(async () => condition(value = await read()), what, timeout);
        return value;
    }
}

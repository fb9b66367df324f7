namespace FileCache.Eviction;

/// <summary>
/// A background chore on a <see cref="TimeProvider"/> timer: the expiration sweeper (a bounded number of entries
/// from the due expiry buckets per tick) and the memory-pressure check. The timer holds the chore's delegate
/// only weakly, so a cache that was never disposed can still be collected (its ticks then do nothing).
/// </summary>
internal sealed class MaintenanceTimer : IDisposable
{
    private readonly ITimer _timer;

    public MaintenanceTimer(TimeProvider time, TimeSpan interval, Func<int> sweep)
    {
        var target = new WeakReference<Func<int>>(sweep);
        _timer = time.CreateTimer(Tick, target, interval, interval);
    }

    public void Dispose() => _timer.Dispose();

    private static void Tick(object? state)
    {
        if (((WeakReference<Func<int>>)state!).TryGetTarget(out var sweep))
        {
            sweep();
        }
    }
}

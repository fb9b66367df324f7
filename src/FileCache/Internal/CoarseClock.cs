namespace FileCache.Internal;

/// <summary>
/// A "now" that a <see cref="TimeProvider"/> timer advances every period, so a hit can compare against the time
/// with one field read instead of a clock read (about 4 ns against 26 ns). With a FakeTimeProvider it moves when
/// the test advances time. Values are the provider's timestamps.
/// </summary>
internal sealed class CoarseClock : IDisposable
{
    private readonly TimeProvider? _time;
    private readonly ITimer? _timer;
    private long _now;

    public CoarseClock(TimeProvider time, TimeSpan period)
    {
        _time = time;
        _now = time.GetTimestamp();
        _timer = time.CreateTimer(static state => ((CoarseClock)state!).Tick(), this, period, period);
    }

    private CoarseClock()
    {
    }

    /// <summary>A clock that never moves (validation off, or checking on every read).</summary>
    public static CoarseClock Frozen { get; } = new();

    public long Now => Volatile.Read(ref _now);

    public void Dispose() => _timer?.Dispose();

    private void Tick() => Volatile.Write(ref _now, _time!.GetTimestamp());
}
